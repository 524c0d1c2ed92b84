// Package pack reads and writes the compact binary form of the embedded
// basemap data: named layers of features, each with string or integer
// properties and one point, line or polygon geometry. Coordinates are
// [lon, lat] degrees stored as zigzag varint deltas of 1e-5 degree units,
// so a round trip rounds them to about a metre. Decode returns an error,
// never panics, on any input.
//
// Layout (all integers uvarint unless noted):
//
//	"FWB1"  nlayers  { name  nfeatures  { nprops { key  kind(byte 's'|'i')  value }  geom } }
//	string: length, bytes
//	int: zigzag varint
//	geom: kind(byte) then
//	  'P' point: x y
//	  'L' multi line: nlines { npoints { dx dy } }
//	  'A' multi polygon: npolys { nrings { npoints { dx dy } } }
//
// Deltas run across a whole feature, starting from 0.
package pack

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// Magic starts every file.
const Magic = "FWB1"

// scale is the number of stored units per degree.
const scale = 1e5

// Limits a decoder enforces, so a corrupt count cannot allocate without
// bound.
const (
	maxCount  = 1 << 24
	maxString = 1 << 16
)

// ErrFormat is wrapped by every decode error.
var ErrFormat = errors.New("pack: bad format")

// Feature is one feature: its properties (string or int64 values) and its
// geometry (orb.Point, orb.MultiLineString or orb.MultiPolygon).
type Feature struct {
	Props    map[string]any
	Geometry orb.Geometry
}

// Layer is a named list of features.
type Layer struct {
	Name     string
	Features []Feature
}

// Encode writes layers to w.
func Encode(w io.Writer, layers []Layer) error {
	bw := bufio.NewWriter(w)
	e := &encoder{w: bw}
	e.w.WriteString(Magic)
	e.uint(uint64(len(layers)))
	for _, l := range layers {
		e.str(l.Name)
		e.uint(uint64(len(l.Features)))
		for _, f := range l.Features {
			if err := e.feature(f); err != nil {
				return fmt.Errorf("pack: encode layer %s: %w", l.Name, err)
			}
		}
	}
	return bw.Flush()
}

type encoder struct {
	w      *bufio.Writer
	buf    [binary.MaxVarintLen64]byte
	px, py int64
}

func (e *encoder) uint(v uint64) { e.w.Write(e.buf[:binary.PutUvarint(e.buf[:], v)]) }
func (e *encoder) int(v int64)   { e.w.Write(e.buf[:binary.PutVarint(e.buf[:], v)]) }
func (e *encoder) str(s string)  { e.uint(uint64(len(s))); e.w.WriteString(s) }

func (e *encoder) point(p orb.Point) {
	x, y := int64(math.Round(p[0]*scale)), int64(math.Round(p[1]*scale))
	e.int(x - e.px)
	e.int(y - e.py)
	e.px, e.py = x, y
}

func (e *encoder) line(ls []orb.Point) {
	e.uint(uint64(len(ls)))
	for _, p := range ls {
		e.point(p)
	}
}

func (e *encoder) feature(f Feature) error {
	keys := make([]string, 0, len(f.Props))
	for k := range f.Props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	e.uint(uint64(len(keys)))
	for _, k := range keys {
		e.str(k)
		switch v := f.Props[k].(type) {
		case string:
			e.w.WriteByte('s')
			e.str(v)
		case int64:
			e.w.WriteByte('i')
			e.int(v)
		case int:
			e.w.WriteByte('i')
			e.int(int64(v))
		default:
			return fmt.Errorf("property %s: unsupported type %T", k, v)
		}
	}
	e.px, e.py = 0, 0
	switch g := f.Geometry.(type) {
	case orb.Point:
		e.w.WriteByte('P')
		e.point(g)
	case orb.MultiLineString:
		e.w.WriteByte('L')
		e.uint(uint64(len(g)))
		for _, ls := range g {
			e.line(ls)
		}
	case orb.MultiPolygon:
		e.w.WriteByte('A')
		e.uint(uint64(len(g)))
		for _, p := range g {
			e.uint(uint64(len(p)))
			for _, r := range p {
				e.line(r)
			}
		}
	default:
		return fmt.Errorf("unsupported geometry %T", f.Geometry)
	}
	return nil
}

// Decode reads layers written by Encode.
func Decode(b []byte) ([]Layer, error) {
	d := &decoder{b: b}
	if len(b) < len(Magic) || string(b[:len(Magic)]) != Magic {
		return nil, fmt.Errorf("%w: no %s header", ErrFormat, Magic)
	}
	d.off = len(Magic)
	n := d.count()
	var layers []Layer
	for i := 0; i < n && d.err == nil; i++ {
		l := Layer{Name: d.str()}
		nf := d.count()
		for j := 0; j < nf && d.err == nil; j++ {
			f := d.feature()
			if d.err == nil {
				l.Features = append(l.Features, f)
			}
		}
		layers = append(layers, l)
	}
	if d.err == nil && d.off != len(b) {
		d.fail("%d trailing bytes", len(b)-d.off)
	}
	if d.err != nil {
		return nil, d.err
	}
	return layers, nil
}

type decoder struct {
	b      []byte
	off    int
	err    error
	px, py int64
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: offset %d: %s", ErrFormat, d.off, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		d.fail("bad uvarint")
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b[d.off:])
	if n <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.off += n
	return v
}

// count reads a count, failing past maxCount or past what the remaining
// bytes could hold (every counted item takes at least one byte).
func (d *decoder) count() int {
	v := d.uint()
	if v > maxCount || v > uint64(len(d.b)-d.off) {
		d.fail("count %d too large", v)
		return 0
	}
	return int(v)
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if d.off >= len(d.b) {
		d.fail("unexpected end")
		return 0
	}
	c := d.b[d.off]
	d.off++
	return c
}

func (d *decoder) str() string {
	n := d.uint()
	if d.err != nil {
		return ""
	}
	if n > maxString || n > uint64(len(d.b)-d.off) {
		d.fail("string length %d too large", n)
		return ""
	}
	s := string(d.b[d.off : d.off+int(n)])
	d.off += int(n)
	return s
}

func (d *decoder) point() orb.Point {
	d.px += d.int()
	d.py += d.int()
	p := orb.Point{float64(d.px) / scale, float64(d.py) / scale}
	if d.err == nil && (math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90) {
		d.fail("point %v out of range", p)
	}
	return p
}

func (d *decoder) line() []orb.Point {
	n := d.count()
	if d.err != nil {
		return nil
	}
	ls := make([]orb.Point, n)
	for i := range ls {
		ls[i] = d.point()
	}
	return ls
}

func (d *decoder) feature() Feature {
	np := d.count()
	f := Feature{Props: make(map[string]any, np)}
	for i := 0; i < np && d.err == nil; i++ {
		k := d.str()
		switch kind := d.byte(); kind {
		case 's':
			f.Props[k] = d.str()
		case 'i':
			f.Props[k] = d.int()
		default:
			d.fail("property %q: kind %q", k, kind)
		}
	}
	d.px, d.py = 0, 0
	switch kind := d.byte(); kind {
	case 'P':
		f.Geometry = d.point()
	case 'L':
		n := d.count()
		mls := make(orb.MultiLineString, 0, n)
		for i := 0; i < n && d.err == nil; i++ {
			mls = append(mls, orb.LineString(d.line()))
		}
		f.Geometry = mls
	case 'A':
		n := d.count()
		mp := make(orb.MultiPolygon, 0, n)
		for i := 0; i < n && d.err == nil; i++ {
			nr := d.count()
			p := make(orb.Polygon, 0, nr)
			for j := 0; j < nr && d.err == nil; j++ {
				p = append(p, orb.Ring(d.line()))
			}
			mp = append(mp, p)
		}
		f.Geometry = mp
	default:
		d.fail("geometry kind %q", kind)
	}
	return f
}
