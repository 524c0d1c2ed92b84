package geofence

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/flightwatch/flightwatch/geo"
)

func TestBuild(t *testing.T) {
	countries := geo.Countries()
	fs, err := Build([]Config{
		{Name: "gulf-box", Polygon: [][2]float64{{-98, 24}, {-88, 24}, {-88, 30}, {-98, 30}}},
		{Name: "mexico", Countries: []string{"mex"}},
	}, countries)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || fs[0].Name != "gulf-box" || fs[1].Name != "mexico" {
		t.Fatalf("Build() = %+v, want gulf-box and mexico", fs)
	}
	ring := fs[0].Area[0][0]
	if len(ring) != 5 || ring[0] != ring[4] {
		t.Errorf("gulf-box ring %v, want 4 points closed", ring)
	}
	for _, tt := range []struct {
		name string
		f    Fence
		p    orb.Point
		in   bool
	}{
		{"in the box", fs[0], orb.Point{-93, 27}, true},
		{"out of the box", fs[0], orb.Point{-80, 27}, false},
		{"Mexico City", fs[1], orb.Point{-99.13, 19.43}, true},
		{"El Paso", fs[1], orb.Point{-106.38, 31.85}, false},
	} {
		if got := planar.MultiPolygonContains(tt.f.Area, tt.p); got != tt.in {
			t.Errorf("%s: contains(%v) = %v, want %v", tt.name, tt.p, got, tt.in)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no name", Config{Countries: []string{"MEX"}}, `geofence "": name is required`},
		{"empty", Config{Name: "x"}, `geofence "x": needs a polygon or countries`},
		{"two points", Config{Name: "x", Polygon: [][2]float64{{0, 0}, {1, 1}}}, `geofence "x": polygon has 2 points, want 3 or more`},
		{"out of range", Config{Name: "x", Polygon: [][2]float64{{0, 0}, {1, 1}, {0, 95}}},
			`geofence "x": polygon point 2 [0, 95]: want [lon -180..180, lat -90..90]`},
		{"unknown country", Config{Name: "x", Countries: []string{"ATL"}}, `geofence "x": unknown country "ATL" (use Natural Earth ADM0_A3 codes)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build([]Config{tt.cfg}, geo.Countries())
			if err == nil || err.Error() != tt.want {
				t.Errorf("Build(%+v) = %v, want %s", tt.cfg, err, tt.want)
			}
		})
	}
}
