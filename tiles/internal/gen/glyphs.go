package main

import (
	"fmt"
	"image"
	"math"
	"os"
	"path/filepath"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
	"google.golang.org/protobuf/encoding/protowire"
)

// Glyph rendering as MapLibre expects it of server glyphs: 24 px, a
// 3 px border, signed distances over 8 px with the edge at 75 %.
const (
	glyphSize   = 24
	glyphBorder = 3
	sdfRadius   = 8.0
	sdfCutoff   = 0.25
)

// glyphFonts maps a served font name to its file in the noto-sans package.
var glyphFonts = map[string]string{
	"Noto Sans Regular": "400Regular/NotoSans_400Regular.ttf",
	"Noto Sans Bold":    "700Bold/NotoSans_700Bold.ttf",
}

// glyphRanges are the 256-codepoint ranges generated (by first codepoint):
// Latin, Latin extended, IPA and spacing marks, combining marks and
// Greek, Cyrillic, general punctuation.
var glyphRanges = []rune{0, 256, 512, 768, 1024, 8192}

func writeGlyphs(fontDir, out string) error {
	for name, file := range glyphFonts {
		b, err := os.ReadFile(filepath.Join(fontDir, file))
		if err != nil {
			return err
		}
		f, err := sfnt.Parse(b)
		if err != nil {
			return fmt.Errorf("parse %s: %w", file, err)
		}
		dir := filepath.Join(out, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		total := 0
		for _, start := range glyphRanges {
			pbf, err := glyphRange(f, name, start)
			if err != nil {
				return fmt.Errorf("%s %d: %w", name, start, err)
			}
			total += len(pbf)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d-%d.pbf", start, start+255)), pbf, 0o644); err != nil {
				return err
			}
		}
		fmt.Printf("glyphs %s: %d bytes\n", name, total)
	}
	return nil
}

// glyphRange encodes the glyphs message of one range: stacks { name, range,
// glyphs { id, bitmap, width, height, left, top, advance } }.
func glyphRange(f *sfnt.Font, name string, start rune) ([]byte, error) {
	var buf sfnt.Buffer
	ppem := fixed.I(glyphSize)
	m, err := f.Metrics(&buf, ppem, font.HintingNone)
	if err != nil {
		return nil, err
	}
	ascender := m.Ascent.Ceil()
	var stack []byte
	stack = protowire.AppendTag(stack, 1, protowire.BytesType)
	stack = protowire.AppendString(stack, name)
	stack = protowire.AppendTag(stack, 2, protowire.BytesType)
	stack = protowire.AppendString(stack, fmt.Sprintf("%d-%d", start, start+255))
	for r := start; r < start+256; r++ {
		idx, err := f.GlyphIndex(&buf, r)
		if err != nil || idx == 0 {
			continue
		}
		g, err := renderGlyph(f, &buf, idx, ppem)
		if err != nil {
			return nil, fmt.Errorf("glyph %U: %w", r, err)
		}
		var gm []byte
		gm = protowire.AppendTag(gm, 1, protowire.VarintType)
		gm = protowire.AppendVarint(gm, uint64(r))
		if len(g.bitmap) > 0 {
			gm = protowire.AppendTag(gm, 2, protowire.BytesType)
			gm = protowire.AppendBytes(gm, g.bitmap)
		}
		gm = protowire.AppendTag(gm, 3, protowire.VarintType)
		gm = protowire.AppendVarint(gm, uint64(g.width))
		gm = protowire.AppendTag(gm, 4, protowire.VarintType)
		gm = protowire.AppendVarint(gm, uint64(g.height))
		gm = protowire.AppendTag(gm, 5, protowire.VarintType)
		gm = protowire.AppendVarint(gm, protowire.EncodeZigZag(int64(g.left)))
		gm = protowire.AppendTag(gm, 6, protowire.VarintType)
		gm = protowire.AppendVarint(gm, protowire.EncodeZigZag(int64(g.top-ascender)))
		gm = protowire.AppendTag(gm, 7, protowire.VarintType)
		gm = protowire.AppendVarint(gm, uint64(g.advance))
		stack = protowire.AppendTag(stack, 3, protowire.BytesType)
		stack = protowire.AppendBytes(stack, gm)
	}
	var msg []byte
	msg = protowire.AppendTag(msg, 1, protowire.BytesType)
	msg = protowire.AppendBytes(msg, stack)
	return msg, nil
}

type glyph struct {
	bitmap                   []byte
	width, height, left, top int
	advance                  int
}

// renderGlyph rasterises glyph idx and turns its coverage into a signed
// distance field with a border of glyphBorder pixels.
func renderGlyph(f *sfnt.Font, buf *sfnt.Buffer, idx sfnt.GlyphIndex, ppem fixed.Int26_6) (glyph, error) {
	adv, err := f.GlyphAdvance(buf, idx, ppem, font.HintingNone)
	if err != nil {
		return glyph{}, err
	}
	g := glyph{advance: int(math.Round(float64(adv) / 64))}
	segs, err := f.LoadGlyph(buf, idx, ppem, nil)
	if err != nil {
		return glyph{}, err
	}
	if len(segs) == 0 {
		return g, nil // a space: advance only
	}
	bounds := segs.Bounds() // y down, 26.6
	minX, minY := bounds.Min.X.Floor(), bounds.Min.Y.Floor()
	maxX, maxY := bounds.Max.X.Ceil(), bounds.Max.Y.Ceil()
	g.width, g.height = maxX-minX, maxY-minY
	g.left, g.top = minX, -minY
	w, h := g.width+2*glyphBorder, g.height+2*glyphBorder
	ras := vector.NewRasterizer(w, h)
	ox, oy := float32(glyphBorder-minX), float32(glyphBorder-minY)
	pt := func(p fixed.Point26_6) (float32, float32) {
		return float32(p.X)/64 + ox, float32(p.Y)/64 + oy
	}
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			ras.MoveTo(pt(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			ras.LineTo(pt(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			ras.QuadTo(x1, y1, x2, y2)
		case sfnt.SegmentOpCubeTo:
			x1, y1 := pt(s.Args[0])
			x2, y2 := pt(s.Args[1])
			x3, y3 := pt(s.Args[2])
			ras.CubeTo(x1, y1, x2, y2, x3, y3)
		}
	}
	ras.ClosePath()
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	ras.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
	g.bitmap = sdf(mask.Pix, w, h)
	return g, nil
}

// sdf turns coverage into distances as @mapbox/tiny-sdf does: squared
// distances to the nearest outside and inside pixel by a Euclidean
// distance transform, edge at sdfCutoff.
func sdf(alpha []byte, w, h int) []byte {
	const inf = 1e20
	outer := make([]float64, w*h)
	inner := make([]float64, w*h)
	for i, a8 := range alpha {
		a := float64(a8) / 255
		switch {
		case a == 0:
			outer[i], inner[i] = inf, 0
		case a == 1:
			outer[i], inner[i] = 0, inf
		default:
			d := 0.5 - a
			outer[i], inner[i] = max(d, 0)*max(d, 0), min(d, 0)*min(d, 0)
		}
	}
	edt(outer, w, h)
	edt(inner, w, h)
	out := make([]byte, w*h)
	for i := range out {
		d := math.Sqrt(outer[i]) - math.Sqrt(inner[i])
		out[i] = byte(max(0, min(255, math.Round(255-255*(d/sdfRadius+sdfCutoff)))))
	}
	return out
}

// edt is the 2D squared Euclidean distance transform of Felzenszwalb and
// Huttenlocher, in place.
func edt(grid []float64, w, h int) {
	n := max(w, h)
	f, d := make([]float64, n), make([]float64, n)
	v, z := make([]int, n), make([]float64, n+1)
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			f[y] = grid[y*w+x]
		}
		edt1(f[:h], d[:h], v, z)
		for y := 0; y < h; y++ {
			grid[y*w+x] = d[y]
		}
	}
	for y := 0; y < h; y++ {
		copy(f[:w], grid[y*w:(y+1)*w])
		edt1(f[:w], d[:w], v, z)
		copy(grid[y*w:(y+1)*w], d[:w])
	}
}

func edt1(f, d []float64, v []int, z []float64) {
	n := len(f)
	k := 0
	v[0] = 0
	z[0], z[1] = math.Inf(-1), math.Inf(1)
	for q := 1; q < n; q++ {
		s := parabolaCut(f, q, v[k])
		for s <= z[k] { // z[0] is -Inf: k never goes below 0
			k--
			s = parabolaCut(f, q, v[k])
		}
		k++
		v[k], z[k], z[k+1] = q, s, math.Inf(1)
	}
	k = 0
	for q := 0; q < n; q++ {
		for z[k+1] < float64(q) {
			k++
		}
		r := v[k]
		d[q] = float64((q-r)*(q-r)) + f[r]
	}
}

// parabolaCut is where the parabolas rooted at q and r intersect.
func parabolaCut(f []float64, q, r int) float64 {
	return (f[q] - f[r] + float64(q*q-r*r)) / float64(2*(q-r))
}
