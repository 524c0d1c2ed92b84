package tiles

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb/maptile"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		name    string
		z, x, y string
		want    maptile.Tile
		err     error
	}{
		{"world", "0", "0", "0.mvt", maptile.New(0, 0, 0), nil},
		{"houston", "9", "120", "211.mvt", maptile.New(120, 211, 9), nil},
		{"max zoom", "14", "16383", "16383.mvt", maptile.New(16383, 16383, 14), nil},
		{"leading zeros", "09", "0120", "0211.mvt", maptile.New(120, 211, 9), nil},
		{"x past edge", "2", "4", "0.mvt", maptile.Tile{}, ErrOutOfRange},
		{"too deep", "15", "0", "0.mvt", maptile.Tile{}, ErrOutOfRange},
		{"no suffix", "1", "0", "0", maptile.Tile{}, ErrBadPath},
		{"png", "1", "0", "0.png", maptile.Tile{}, ErrBadPath},
		{"negative", "1", "-0", "0.mvt", maptile.Tile{}, ErrBadPath},
		{"plus", "+1", "0", "0.mvt", maptile.Tile{}, ErrBadPath},
		{"hex", "0x1", "0", "0.mvt", maptile.Tile{}, ErrBadPath},
		{"empty", "", "0", "0.mvt", maptile.Tile{}, ErrBadPath},
		{"huge", "1", "99999999999999999999", "0.mvt", maptile.Tile{}, ErrBadPath},
		{"space", "1", " 0", "0.mvt", maptile.Tile{}, ErrBadPath},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePath(tt.z, tt.x, tt.y)
			if !errors.Is(err, tt.err) || (err == nil) != (tt.err == nil) {
				t.Fatalf("ParsePath(%q, %q, %q) error = %v, want %v", tt.z, tt.x, tt.y, err, tt.err)
			}
			if got != tt.want {
				t.Errorf("ParsePath(%q, %q, %q) = %v, want %v", tt.z, tt.x, tt.y, got, tt.want)
			}
		})
	}
}

func TestParseGlyphRange(t *testing.T) {
	for in, want := range map[string]int{"0-255.pbf": 0, "256-511.pbf": 256, "65280-65535.pbf": 65280} {
		if got, err := ParseGlyphRange(in); err != nil || got != want {
			t.Errorf("ParseGlyphRange(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"0-255", "1-256.pbf", "0-511.pbf", "65536-65791.pbf", "a-b.pbf", "0255.pbf", "-255.pbf"} {
		if _, err := ParseGlyphRange(in); !errors.Is(err, ErrBadPath) {
			t.Errorf("ParseGlyphRange(%q) error = %v, want ErrBadPath", in, err)
		}
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"0/0/0.mvt", "9/120/211.mvt", "14/16383/16383.mvt", "15/0/0.mvt", "1/-1/0.mvt", "x/y/z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		parts := strings.SplitN(path, "/", 3)
		if len(parts) != 3 {
			return
		}
		tile, err := ParsePath(parts[0], parts[1], parts[2])
		if err != nil {
			if !errors.Is(err, ErrBadPath) && !errors.Is(err, ErrOutOfRange) {
				t.Fatalf("ParsePath(%q) error %v wraps neither sentinel", path, err)
			}
			return
		}
		if !tile.Valid() || tile.Z > MaxZoom {
			t.Fatalf("ParsePath(%q) = %v, an invalid tile without an error", path, tile)
		}
	})
}

func FuzzParseGlyphRange(f *testing.F) {
	f.Add("0-255.pbf")
	f.Add("65280-65535.pbf")
	f.Fuzz(func(t *testing.T, s string) {
		start, err := ParseGlyphRange(s)
		if err == nil && (start%256 != 0 || start < 0 || start > 65280) {
			t.Fatalf("ParseGlyphRange(%q) = %d without an error", s, start)
		}
	})
}

func TestLoadErrors(t *testing.T) {
	for name, in := range map[string][]byte{"not gzip": []byte("FWB1"), "gzip of junk": gzipped([]byte("junk"))} {
		if _, err := Load(bytes.NewReader(in), nil); err == nil {
			t.Errorf("Load(%s) = nil error, want one", name)
		}
	}
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}
