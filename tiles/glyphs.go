package tiles

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/flightwatch/flightwatch/server/httperr"
)

//go:embed data/glyphs
var glyphFS embed.FS

// Fonts are the font names the label glyphs are served for.
var Fonts = []string{"Noto Sans Regular", "Noto Sans Bold"}

// ParseGlyphRange parses a glyph file name "start-end.pbf": start a
// multiple of 256 below 65536, end = start + 255.
func ParseGlyphRange(file string) (start int, err error) {
	r, ok := strings.CutSuffix(file, ".pbf")
	a, b, ok2 := strings.Cut(r, "-")
	if !ok || !ok2 {
		return 0, fmt.Errorf("%w: glyph range %q, want start-end.pbf", ErrBadPath, file)
	}
	s, err1 := parseNum("range start", a)
	e, err2 := parseNum("range end", b)
	if err1 != nil || err2 != nil || s%256 != 0 || e != s+255 || s > 65535-255 {
		return 0, fmt.Errorf("%w: glyph range %q, want 256 codepoints from a multiple of 256", ErrBadPath, file)
	}
	return int(s), nil
}

// serveGlyphs answers the glyphs of the first font of a comma-separated
// font stack that is served; a range with no glyphs of that font answers
// an empty glyph set, so labels still draw what they can.
func (h *Handler) serveGlyphs(w http.ResponseWriter, r *http.Request) {
	start, err := ParseGlyphRange(r.PathValue("range"))
	if err != nil {
		httperr.Write(w, http.StatusBadRequest, err.Error())
		return
	}
	font := ""
	for _, f := range strings.Split(r.PathValue("fontstack"), ",") {
		f = strings.TrimSpace(f)
		for _, known := range Fonts {
			if f == known {
				font = f
				break
			}
		}
		if font != "" {
			break
		}
	}
	if font == "" {
		httperr.Write(w, http.StatusNotFound, fmt.Sprintf("font stack %q: no served font (have %s)", r.PathValue("fontstack"), strings.Join(Fonts, ", ")))
		return
	}
	name := strconv.Itoa(start) + "-" + strconv.Itoa(start+255)
	body, err := fs.ReadFile(glyphFS, "data/glyphs/"+font+"/"+name+".pbf")
	if err != nil {
		body = emptyGlyphs(font, name)
	}
	etag := etagOf(body)
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("ETag", etag)
	if match(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(body)
}

// emptyGlyphs encodes a glyph set of one font stack holding no glyph.
func emptyGlyphs(font, rng string) []byte {
	var stack []byte
	stack = protowire.AppendTag(stack, 1, protowire.BytesType)
	stack = protowire.AppendString(stack, font)
	stack = protowire.AppendTag(stack, 2, protowire.BytesType)
	stack = protowire.AppendString(stack, rng)
	var msg []byte
	msg = protowire.AppendTag(msg, 1, protowire.BytesType)
	return protowire.AppendBytes(msg, stack)
}
