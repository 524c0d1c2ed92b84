package detect

import (
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/geo"
)

var (
	kbif = orb.Point{-106.38, 31.85} // Biggs Army Airfield
	mggt = orb.Point{-90.53, 14.58}  // Guatemala City
)

// fly feeds h a circle (hold) or a straight line at 250 kt for d, a fix
// every 10 s, and reports whether Holding said so at the end.
func fly(t *testing.T, circle bool, d time.Duration) bool {
	t.Helper()
	var h Hold
	start := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	center := orb.Point{-100, 25}
	var p orb.Point
	for s := time.Duration(0); s <= d; s += 10 * time.Second {
		frac := s.Seconds() / 240 // one turn every 4 min
		track := math.Mod(frac*360, 360)
		if circle {
			a := frac * 2 * math.Pi
			p = orb.Point{center[0] + 0.1*math.Sin(a), center[1] + 0.1*math.Cos(a)}
		} else {
			track = 90
			p = orb.Point{center[0] + s.Hours()*250*geo.KmPerNM/100, center[1]}
		}
		h.Add(start.Add(s), p, track, true, false, HoldSampleEvery, 10*time.Minute)
	}
	return Holding(&h, p, 360, 0.35)
}

func TestHolding(t *testing.T) {
	if !fly(t, true, 12*time.Minute) {
		t.Errorf("Holding(three turns in 12 min) = false, want true")
	}
	if fly(t, false, 12*time.Minute) {
		t.Errorf("Holding(straight line) = true, want false")
	}
	if fly(t, true, 3*time.Minute) {
		t.Errorf("Holding(less than one turn) = true, want false")
	}
}

func TestHoldClone(t *testing.T) {
	var h Hold
	at := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	h.Add(at, kbif, 0, true, false, time.Second, time.Hour)
	c := h.Clone()
	h.Add(at.Add(time.Minute), mggt, 90, true, false, time.Second, time.Hour)
	if len(c.samples) != 1 || len(h.samples) != 2 {
		t.Errorf("after Add, clone has %d samples and original %d, want 1 and 2", len(c.samples), len(h.samples))
	}
}

func TestTurnBack(t *testing.T) {
	c := TurnBackParams{MinKm: 40, MinFrac: 0.1, Duration: 4 * time.Minute, MaxOffDeg: 60}
	var b Back
	at := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	// Out 200 km toward MGGT (south-east), then straight back.
	out := geo.BearingDeg(kbif, mggt)
	p := kbif
	got := false
	for i := 0; i < 40 && !got; i++ {
		at = at.Add(30 * time.Second)
		track := out
		if i >= 20 {
			track = math.Mod(out+180, 360)
		}
		p = geo.Destination(p, track, 10)
		got = TurnBack(&b, at, p, track, kbif, mggt, true, c)
		if got && i < 20 {
			t.Fatalf("TurnBack on the way out, step %d", i)
		}
	}
	if !got {
		t.Errorf("TurnBack never reported the reversal; state %+v", b)
	}
}

func TestVerdicts(t *testing.T) {
	mid := orb.Point{-98.5, 23.2} // near the great circle KBIF-MGGT
	if OffRoute(mid, kbif, mggt, 50, 0.2) {
		t.Errorf("OffRoute(on the route) = true")
	}
	if !OffRoute(orb.Point{-80, 30}, kbif, mggt, 50, 0.2) {
		t.Errorf("OffRoute(over Florida) = false")
	}
	if !Diverted("MSLP", orb.Point{-89.06, 13.44}, "MGGT", mggt, 9.26) {
		t.Errorf("Diverted(MSLP for MGGT) = false")
	}
	if Diverted("", orb.Point{-90.53, 14.6}, "MGGT", mggt, 9.26) || Diverted("MGGT", mggt, "MGGT", mggt, 9.26) || Diverted("X", mggt, "", mggt, 9.26) {
		t.Errorf("Diverted(at the destination or with no plan) = true")
	}
	if !LandedBack(kbif, kbif, 100, 9.26, 40) || LandedBack(kbif, kbif, 10, 9.26, 40) || LandedBack(mggt, kbif, 100, 9.26, 40) {
		t.Errorf("LandedBack wrong for a return, a short hop or a landing elsewhere")
	}
	ap := geo.Airport{Ident: "KBIF", Lat: kbif[1], Lon: kbif[0], ElevFt: 3946}
	if !LowNearAirport(kbif, 4500, true, ap, 9.26, 2000) || LowNearAirport(kbif, 9000, true, ap, 9.26, 2000) ||
		LowNearAirport(mggt, 4500, true, ap, 9.26, 2000) {
		t.Errorf("LowNearAirport wrong for low near, high near or far")
	}
}
