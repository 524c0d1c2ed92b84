package track

import (
	"sort"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/paulmach/orb"
)

// Seed rebuilds the tracker's memory from stored legs (as store.Legs
// returns them, in any order), so that a restarted process predicts as
// the one before it did: landed legs of watched aircraft with both ends
// known become their airframes' history, and each aircraft's newest leg
// that is still live (taxi, airborne or signal_lost) becomes its current
// leg again, with its id, origin and prediction, as long as the tracker
// has not seen the aircraft yet. Call it once at startup, before feeding
// observations. It is safe for concurrent use.
func (t *Tracker) Seed(legs []flight.Leg) {
	sorted := append([]flight.Leg(nil), legs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].FirstSeen.Before(sorted[j].FirstSeen) })
	live := map[string]flight.Leg{}
	for _, l := range sorted {
		switch l.Status {
		case flight.LegLanded:
			if l.Watch != "" {
				t.remember(l.Hex, pastLeg{origin: l.Origin, dest: l.ActualDestination, departed: l.Departed, arrived: l.Arrived})
			}
			delete(live, l.Hex)
		case flight.LegTaxi, flight.LegAirborne, flight.LegSignalLost:
			live[l.Hex] = l
		}
	}
	for hex, l := range live {
		sh := t.shard(hex)
		sh.mu.Lock()
		if _, ok := sh.m[hex]; !ok {
			sh.m[hex] = t.restored(l)
		}
		sh.mu.Unlock()
	}
}

// restored is the state of an aircraft whose live leg l was stored by an
// earlier process: the leg goes on with its first new observation.
func (t *Tracker) restored(l flight.Leg) *acState {
	// seen: the stored last fix counts as seen, so that a fix older than
	// it (one replayed by a new owner) is late data, not a new leg.
	s := &acState{seen: true, airborne: l.Status != flight.LegTaxi, pos: orb.Point{l.LastLon, l.LastLat}}
	s.ac.Hex, s.ac.Callsign, s.ac.Reg, s.ac.Type = l.Hex, l.Callsign, l.Reg, l.Type
	s.ac.Time, s.ac.Lat, s.ac.Lon = l.LastSeen, l.LastLat, l.LastLon
	s.ac.Watch, s.ac.Tags, s.ac.Leg = l.Watch, l.Tags, l.ID
	s.ac.Phase = flight.PhaseCruise
	if l.Status == flight.LegSignalLost {
		s.ac.Phase = flight.PhaseLost
	} else if l.Status == flight.LegTaxi {
		s.ac.Phase = flight.PhaseGround
	}
	ls := &legState{leg: l}
	if l.Origin != "" {
		if a, ok := t.airports.Lookup(l.Origin); ok {
			ls.start, ls.hasStart = a.Point(), true
		}
	}
	if l.PredictedDestination != "" {
		pr := prediction{dest: l.PredictedDestination, conf: l.PredictedConfidence, basis: l.PredictedBasis, note: basisNote(l.PredictedBasis)}
		var pt orb.Point
		if a, ok := t.airports.Lookup(pr.dest); ok {
			pt = a.Point()
		}
		ls.pred.cur, ls.pred.curPt = pr, pt
		// A plan, history or route prediction is made at take-off, so it
		// has been held since then; a course prediction only since now.
		ls.pred.since = l.LastSeen
		if pr.basis != flight.BasisCourse && !l.Departed.IsZero() {
			ls.pred.since = l.Departed
		}
		if pr.conf >= t.cfg.PredictMinConfidence && l.LastSeen.Sub(ls.pred.since) >= t.cfg.PredictMinHold {
			ls.pred.held, ls.pred.heldPt = pr, pt
		}
		if pr.basis == flight.BasisHistory || pr.basis == flight.BasisRoute {
			ls.pred.static, ls.pred.staticPt = pr, pt
		}
	}
	s.leg = ls
	return s
}

// basisNote is the phrase an alert uses for a prediction restored from a
// stored leg, whose supporting details were not stored.
func basisNote(b flight.Basis) string {
	switch b {
	case flight.BasisHistory:
		return "from the airframe's earlier flights"
	case flight.BasisRoute:
		return "from the route table"
	case flight.BasisCourse:
		return "from its course"
	case flight.BasisPlan:
		return "planned"
	}
	return ""
}
