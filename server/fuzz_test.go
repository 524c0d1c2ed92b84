package server

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/geo"
)

func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"", "-130,20,-60,50", "170,-10,-170,10", "1,2,3", "a,b,c,d", "NaN,0,1,1", "-180,-90,180,90"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := parseBBox(s)
		if err != nil {
			return
		}
		if b != (orb.Bound{}) && (b.Min[1] > b.Max[1] || b.Min[1] < -90 || b.Max[1] > 90 || b.Min[0] < -180 || b.Max[0] > 180) {
			t.Errorf("parseBBox(%q) = %v, accepted out of range", s, b)
		}
		_ = geo.InBound(b, orb.Point{0, 0})
	})
}
