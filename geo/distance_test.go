package geo

import (
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestDistanceBearing(t *testing.T) {
	lhr, jfk := orb.Point{-0.4614, 51.4775}, orb.Point{-73.7789, 40.6398}
	tests := []struct {
		name     string
		a, b     orb.Point
		km, brg  float64
		tolKm    float64
		tolBrgDg float64
	}{
		{"LHR-JFK", lhr, jfk, 5540, 288.1, 15, 1},
		{"same point", lhr, lhr, 0, 0, 0.001, 0.001},
		{"one degree of latitude north", orb.Point{0, 0}, orb.Point{0, 1}, 111.19, 0, 0.1, 0.001},
		{"east along equator", orb.Point{0, 0}, orb.Point{1, 0}, 111.19, 90, 0.1, 0.001},
		{"across the antimeridian", orb.Point{179.5, 0}, orb.Point{-179.5, 0}, 111.19, 90, 0.1, 0.001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := DistanceKm(tt.a, tt.b); !near(d, tt.km, tt.tolKm) {
				t.Errorf("DistanceKm(%v, %v) = %.2f, want %.2f", tt.a, tt.b, d, tt.km)
			}
			if b := BearingDeg(tt.a, tt.b); !near(b, tt.brg, tt.tolBrgDg) {
				t.Errorf("BearingDeg(%v, %v) = %.2f, want %.2f", tt.a, tt.b, b, tt.brg)
			}
			if d := DistanceNM(tt.a, tt.b); !near(d*KmPerNM, tt.km, tt.tolKm) {
				t.Errorf("DistanceNM(%v, %v) = %.2f, want %.2f", tt.a, tt.b, d, tt.km/KmPerNM)
			}
		})
	}
}

func TestCrossAlongTrack(t *testing.T) {
	a, b := orb.Point{0, 0}, orb.Point{10, 0} // along the equator, eastbound
	tests := []struct {
		name        string
		p           orb.Point
		xt, at, rte float64
	}{
		{"north is left", orb.Point{5, 1}, -111.19, 555.9, 111.19},
		{"south is right", orb.Point{5, -1}, 111.19, 555.9, 111.19},
		{"on the path", orb.Point{3, 0}, 0, 333.6, 0},
		{"behind a", orb.Point{-1, 0}, 0, -111.19, 111.19},
		{"past b", orb.Point{11, 0}, 0, 1223.1, 111.19},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if xt := CrossTrackKm(tt.p, a, b); !near(xt, tt.xt, 0.5) {
				t.Errorf("CrossTrackKm(%v) = %.2f, want %.2f", tt.p, xt, tt.xt)
			}
			if at := AlongTrackKm(tt.p, a, b); !near(at, tt.at, 1) {
				t.Errorf("AlongTrackKm(%v) = %.2f, want %.2f", tt.p, at, tt.at)
			}
			if r := RouteDistanceKm(tt.p, a, b); !near(r, tt.rte, 0.5) {
				t.Errorf("RouteDistanceKm(%v) = %.2f, want %.2f", tt.p, r, tt.rte)
			}
		})
	}
}

func TestTurnDeg(t *testing.T) {
	tests := []struct{ from, to, want float64 }{
		{10, 20, 10}, {350, 10, 20}, {10, 350, -20}, {0, 180, 180}, {90, 270, 180}, {270, 90, 180},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%g-%g", tt.from, tt.to), func(t *testing.T) {
			if got := TurnDeg(tt.from, tt.to); got != tt.want {
				t.Errorf("TurnDeg(%g, %g) = %g, want %g", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestDestination(t *testing.T) {
	p := Destination(orb.Point{179.9, 0}, 90, 111.19)
	if !near(p[0], -179.1, 0.01) || !near(p[1], 0, 0.01) {
		t.Errorf("Destination across antimeridian = %v, want [-179.1 0]", p)
	}
	q := Destination(orb.Point{-106, 31}, 45, 100)
	if d := DistanceKm(orb.Point{-106, 31}, q); !near(d, 100, 0.01) {
		t.Errorf("Destination distance = %.3f, want 100", d)
	}
}

func ExampleDistanceNM() {
	kbif, mggt := orb.Point{-106.38, 31.85}, orb.Point{-90.53, 14.58}
	fmt.Printf("%.0f nm\n", DistanceNM(kbif, mggt))
	// Output: 1353 nm
}
