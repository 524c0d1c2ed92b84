package geo

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"
)

func TestParseBound(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want orb.Bound
		ok   bool
	}{
		{"box", []float64{-130, 20, -60, 50}, orb.Bound{Min: orb.Point{-130, 20}, Max: orb.Point{-60, 50}}, true},
		{"antimeridian", []float64{170, -10, -170, 10}, orb.Bound{Min: orb.Point{170, -10}, Max: orb.Point{-170, 10}}, true},
		{"three", []float64{1, 2, 3}, orb.Bound{}, false},
		{"lat order", []float64{0, 50, 10, 40}, orb.Bound{}, false},
		{"range", []float64{0, 0, 181, 10}, orb.Bound{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBound(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseBound(%v) = %v, %v, want %v (ok %v)", tt.in, got, err, tt.want, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrBadBound) {
				t.Errorf("error %v does not wrap ErrBadBound", err)
			}
		})
	}
}

func TestParseBBox(t *testing.T) {
	// swap stands in for a CRS conversion: EPSG:4326 has lat, lon order.
	swap := func(p orb.Point) orb.Point { return orb.Point{p[1], p[0]} }
	tests := []struct {
		name string
		in   string
		syn  BBoxSyntax
		want orb.Bound
		msg  string // empty: no error
	}{
		{"empty", "", BBoxSyntax{}, orb.Bound{}, ""},
		{"box", "-130,20,-60,50", BBoxSyntax{}, orb.Bound{Min: orb.Point{-130, 20}, Max: orb.Point{-60, 50}}, ""},
		{"spaces", " -130, 20 ,-60,50 ", BBoxSyntax{}, orb.Bound{Min: orb.Point{-130, 20}, Max: orb.Point{-60, 50}}, ""},
		{"antimeridian", "170,-10,-170,10", BBoxSyntax{}, orb.Bound{Min: orb.Point{170, -10}, Max: orb.Point{-170, 10}}, ""},
		{"three", "1,2,3", BBoxSyntax{}, orb.Bound{}, `bbox "1,2,3": want minLon,minLat,maxLon,maxLat`},
		{"six without 3D", "1,2,0,3,4,9", BBoxSyntax{}, orb.Bound{}, `bbox "1,2,0,3,4,9": want minLon,minLat,maxLon,maxLat`},
		{"six with 3D", "1,2,0,3,4,9", BBoxSyntax{Allow3D: true}, orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{3, 4}}, ""},
		{"five with 3D", "1,2,3,4,5", BBoxSyntax{Allow3D: true}, orb.Bound{}, `bbox "1,2,3,4,5" must have 4 (or 6) numbers`},
		{"word", "a,2,3,4", BBoxSyntax{}, orb.Bound{}, `bbox "a,2,3,4": "a" is not a number`},
		{"NaN", "NaN,2,3,4", BBoxSyntax{}, orb.Bound{}, `bbox "NaN,2,3,4": "NaN" is not a number`},
		{"Inf", "0,0,Inf,4", BBoxSyntax{}, orb.Bound{}, `bbox "0,0,Inf,4": "Inf" is not a number`},
		{"lon range", "-200,0,0,10", BBoxSyntax{}, orb.Bound{}, `bbox "-200,0,0,10": longitudes must lie in -180..180`},
		{"lat order", "0,50,10,40", BBoxSyntax{}, orb.Bound{}, `bbox "0,50,10,40": latitudes must satisfy -90 <= minLat <= maxLat <= 90`},
		{"lat range", "0,-91,10,40", BBoxSyntax{}, orb.Bound{}, `bbox "0,-91,10,40": latitudes must satisfy -90 <= minLat <= maxLat <= 90`},
		{"converted", "20,-130,50,-60", BBoxSyntax{To: swap}, orb.Bound{Min: orb.Point{-130, 20}, Max: orb.Point{-60, 50}}, ""},
		{"converted out of range", "100,0,101,1", BBoxSyntax{To: swap}, orb.Bound{}, `bbox "100,0,101,1": latitudes must satisfy -90 <= minLat <= maxLat <= 90`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBBox(tt.in, tt.syn)
			msg := ""
			if err != nil {
				msg = err.Error()
				if !errors.Is(err, ErrBadBound) {
					t.Errorf("ParseBBox(%q) error %v does not match ErrBadBound", tt.in, err)
				}
			}
			if got != tt.want || msg != tt.msg {
				t.Errorf("ParseBBox(%q) = %v, %q, want %v, %q", tt.in, got, msg, tt.want, tt.msg)
			}
		})
	}
}

func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"", "-130,20,-60,50", "170,-10,-170,10", "1,2,3", "a,b,c,d", "NaN,0,1,1", "-180,-90,180,90", "1,2,0,3,4,9", "1e309,0,0,0"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, allow3D bool) {
		b, err := ParseBBox(s, BBoxSyntax{Allow3D: allow3D})
		if err != nil {
			if !errors.Is(err, ErrBadBound) {
				t.Errorf("ParseBBox(%q) error %v does not match ErrBadBound", s, err)
			}
			if b != (orb.Bound{}) {
				t.Errorf("ParseBBox(%q) = %v with error %v, want the zero bound", s, b, err)
			}
			return
		}
		if s == "" {
			if b != (orb.Bound{}) {
				t.Errorf("ParseBBox(%q) = %v, want the zero bound", s, b)
			}
			return
		}
		if b.Min[1] > b.Max[1] || b.Min[1] < -90 || b.Max[1] > 90 || b.Min[0] < -180 || b.Min[0] > 180 || b.Max[0] < -180 || b.Max[0] > 180 {
			t.Errorf("ParseBBox(%q) = %v, accepted out of range", s, b)
		}
		// What was accepted reads back the same through the number form.
		if again, err := ParseBound([]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}); err != nil || again != b {
			t.Errorf("ParseBound(%v) = %v, %v, want %v", b, again, err, b)
		}
	})
}

func BenchmarkParseBBox(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ParseBBox("-130.5,20.25,-60,50", BBoxSyntax{}); err != nil {
			b.Fatal(err)
		}
	}
}
