package geo

import (
	"fmt"
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestGreatCircle(t *testing.T) {
	tests := []struct {
		name   string
		a, b   orb.Point
		step   float64
		parts  int
		maxGap float64
	}{
		{"KBIF-MGGT", orb.Point{-106.38, 31.85}, orb.Point{-90.53, 14.58}, 50, 1, 50},
		{"Tokyo-San Francisco crosses antimeridian", orb.Point{139.78, 35.55}, orb.Point{-122.37, 37.62}, 100, 2, 100},
		{"San Francisco-Tokyo reverse", orb.Point{-122.37, 37.62}, orb.Point{139.78, 35.55}, 100, 2, 100},
		{"same point", orb.Point{1, 1}, orb.Point{1, 1}, 10, 1, 0},
		{"default step", orb.Point{0, 0}, orb.Point{0, 10}, 0, 1, 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mls := GreatCircle(tt.a, tt.b, tt.step)
			if len(mls) != tt.parts {
				t.Fatalf("GreatCircle parts = %d, want %d", len(mls), tt.parts)
			}
			if mls[0][0] != tt.a || mls[len(mls)-1][len(mls[len(mls)-1])-1] != tt.b {
				t.Errorf("GreatCircle ends = %v..%v, want %v..%v", mls[0][0], mls[len(mls)-1][len(mls[len(mls)-1])-1], tt.a, tt.b)
			}
			total := 0.0
			for _, ls := range mls {
				if len(ls) < 2 {
					t.Errorf("part with %d points", len(ls))
				}
				for i, p := range ls {
					if p[0] < -180 || p[0] > 180 {
						t.Errorf("longitude %g out of range", p[0])
					}
					if i > 0 {
						if math.Abs(p[0]-ls[i-1][0]) > 180 {
							t.Errorf("jump %v -> %v inside a part", ls[i-1], p)
						}
						d := DistanceKm(ls[i-1], p)
						total += d
						if d > tt.maxGap+0.01 {
							t.Errorf("gap %.1f km > %g", d, tt.maxGap)
						}
					}
				}
			}
			if want := DistanceKm(tt.a, tt.b); math.Abs(total-want) > 0.01*want+0.01 {
				t.Errorf("route length %.1f, want %.1f", total, want)
			}
			if len(mls) == 2 {
				e, s := mls[0][len(mls[0])-1], mls[1][0]
				if math.Abs(e[0]) != 180 || e[0] != -s[0] || e[1] != s[1] {
					t.Errorf("parts meet at %v and %v, want ±180 at one latitude", e, s)
				}
			}
		})
	}
}

func ExampleGreatCircle() {
	route := GreatCircle(orb.Point{139.78, 35.55}, orb.Point{-122.37, 37.62}, 500)
	fmt.Println(len(route), route[0][len(route[0])-1][0], route[1][0][0])
	// Output: 2 180 -180
}
