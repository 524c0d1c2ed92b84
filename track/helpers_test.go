package track

import (
	"math"
	"sort"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/paulmach/orb"
)

// newTracker is New on the embedded airports and countries, unless d
// names its own.
func newTracker(cfg Config, d Deps) *Tracker {
	if d.Airports == nil {
		d.Airports = geo.Airports()
	}
	if d.Countries == nil {
		d.Countries = geo.Countries()
	}
	return New(cfg, d)
}

// traj builds a synthetic trajectory sampled every 10 s.
type traj struct {
	hex, call, squawk string
	t                 time.Time
	p                 orb.Point
	alt               float64
	obs               []flight.Observation
}

const step = 10 * time.Second

var t0 = time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)

func airport(t testing.TB, ident string) geo.Airport {
	a, ok := geo.Airports().Lookup(ident)
	if !ok {
		t.Fatalf("airport %s missing", ident)
	}
	return a
}

func newTraj(hex, call string, at geo.Airport, start time.Time) *traj {
	return &traj{hex: hex, call: call, t: start, p: at.Point(), alt: at.ElevFt}
}

func (b *traj) emit(gs, track float64, ground bool) {
	o := flight.Observation{Hex: b.hex, Callsign: b.call, Time: b.t, Lat: b.p[1], Lon: b.p[0], Squawk: b.squawk,
		AltFt: b.alt, GSKt: gs, TrackDeg: track, OnGround: ground,
		Has: flight.HasAlt | flight.HasGS | flight.HasTrack | flight.HasGround}
	if ground {
		o.Has &^= flight.HasAlt
	}
	b.obs = append(b.obs, o)
	b.t = b.t.Add(step)
}

// ground sits on the ground for d.
func (b *traj) ground(d time.Duration) *traj {
	for end := b.t.Add(d); b.t.Before(end); {
		b.emit(0, 0, true)
	}
	return b
}

// fly goes straight to dst at kt, moving altitude linearly toward alt.
func (b *traj) fly(dst orb.Point, kt, alt float64) *traj {
	stepKm := kt * geo.KmPerNM * step.Hours()
	n := int(math.Ceil(geo.DistanceKm(b.p, dst) / stepKm))
	a0 := b.alt
	for i := 1; i <= n; i++ {
		brg := geo.BearingDeg(b.p, dst)
		if i == n {
			b.p = dst
		} else {
			b.p = geo.Destination(b.p, brg, stepKm)
		}
		b.alt = a0 + (alt-a0)*float64(i)/float64(n)
		b.emit(kt, brg, false)
	}
	return b
}

// flyKm goes km along bearing brg.
func (b *traj) flyKm(brg, km, kt, alt float64) *traj {
	return b.fly(geo.Destination(b.p, brg, km), kt, alt)
}

// orbit flies turns full circles of radiusKm clockwise around the point
// radiusKm to the right of the current position.
func (b *traj) orbit(radiusKm, turns, kt float64) *traj {
	n := len(b.obs)
	brg := 0.0
	if n > 0 {
		brg = b.obs[n-1].TrackDeg
	}
	c := geo.Destination(b.p, brg+90, radiusKm)
	stepKm := kt * geo.KmPerNM * step.Hours()
	dAng := stepKm / radiusKm * 180 / math.Pi
	ang := geo.BearingDeg(c, b.p)
	for done := 0.0; done < turns*360; done += dAng {
		ang += dAng
		b.p = geo.Destination(c, ang, radiusKm)
		b.emit(kt, math.Mod(ang+90, 360), false)
	}
	return b
}

// land flies to the airport descending, then sits on the ground.
func (b *traj) land(a geo.Airport) *traj {
	b.fly(geo.Destination(a.Point(), geo.BearingDeg(a.Point(), b.p), 15), 220, a.ElevFt+3000)
	b.fly(a.Point(), 140, a.ElevFt)
	return b.ground(time.Minute)
}

// takeoff climbs out of the current field toward brg.
func (b *traj) takeoff(brg float64) *traj { return b.flyKm(brg, 20, 180, b.alt+6000) }

// run feeds observations to tr and returns every alert, in order.
func run(tr *Tracker, obs []flight.Observation) []flight.Alert {
	var out []flight.Alert
	for _, o := range obs {
		out = append(out, tr.Observe(o).Alerts...)
	}
	return out
}

// types returns the sorted set of alert types, cleared ones excluded.
func types(alerts []flight.Alert) []string {
	seen := map[string]bool{}
	for _, a := range alerts {
		if !a.Cleared {
			seen[string(a.Type)] = true
		}
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	sort.Strings(b)
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
