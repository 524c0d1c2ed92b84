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
