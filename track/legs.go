package track

import (
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/track/detect"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// legs moves the aircraft's leg through taxi → airborne → landed (or
// signal_lost) after an observation at p. A leg is one flight: it begins
// on the first sighting on the ground (taxi) or in the air, or at the
// take-off after a landing, and keeps the id given then.
func (t *Tracker) legs(s *acState, res *Result, p orb.Point, wasAir bool) {
	at := s.ac.Time
	l := s.leg
	switch {
	case l == nil || l.leg.Status == flight.LegLanded:
		if !s.airborne {
			if l == nil { // first seen on the ground
				s.leg = t.newLeg(s, at, p, flight.LegTaxi)
			}
			return
		}
		nl := t.newLeg(s, at, p, flight.LegAirborne)
		if l != nil { // took off again after a landing: a take-off seen
			nl.leg.Departed = at
		} else if a, _, ok := t.airports.Nearest(p, t.cfg.AirportNearKm, ""); ok &&
			detect.LowNearAirport(p, s.ac.AltFt, s.ac.Has&flight.HasAlt != 0, a, t.cfg.AirportNearKm, 1000) &&
			s.phase0(t) == flight.PhaseClimb {
			// first seen climbing out low near a field: the take-off itself
			nl.leg.Departed, nl.leg.Origin, nl.start, nl.hasStart = at, a.Ident, a.Point(), true
		}
		s.leg = nl
		if !nl.leg.Departed.IsZero() {
			t.matchPlan(s, nl)
			t.departed(s, res, p)
		}
	case l.leg.Status == flight.LegTaxi:
		if s.airborne {
			// The leg keeps the id it was given when first seen taxiing.
			l.leg.Status, l.leg.Departed = flight.LegAirborne, at
			if a, _, ok := t.airports.Nearest(p, t.cfg.AirportNearKm, ""); ok {
				l.leg.Origin, l.start, l.hasStart = a.Ident, a.Point(), true
			} else if !l.hasStart {
				l.start, l.hasStart = p, true
			}
			l.changed = true
			t.matchPlan(s, l)
			t.departed(s, res, p)
		}
	case l.leg.Status == flight.LegSignalLost:
		if s.airborne {
			l.leg.Status, l.changed = flight.LegAirborne, true
			t.clear(s, res, l.leg.ID+"/signal_lost", flight.AlertSignalLost, p, "signal regained")
		} else {
			t.land(s, res, at, p)
		}
	case l.leg.Status == flight.LegAirborne:
		if !s.airborne {
			t.land(s, res, at, p)
		}
	}
}

// newLeg starts a leg at p, first seen at at. Its id (legID) is fixed
// here for the leg's whole life: a taxiing leg keeps it through take-off
// and landing, so alert keys derived from it stay put. A leg first seen
// airborne has no origin and no take-off time.
func (t *Tracker) newLeg(s *acState, at time.Time, p orb.Point, st flight.LegStatus) *legState {
	l := &legState{changed: true, leg: flight.Leg{ID: legID(s.ac.Hex, at), Hex: s.ac.Hex, Callsign: s.ac.Callsign,
		Reg: s.ac.Reg, Type: s.ac.Type, Status: st, FirstSeen: at, LastSeen: at, LastLat: p[1], LastLon: p[0]},
		first: p, hasFirst: true}
	if st == flight.LegTaxi {
		if a, _, ok := t.airports.Nearest(p, t.cfg.AirportNearKm, ""); ok {
			l.leg.Origin, l.start, l.hasStart = a.Ident, a.Point(), true
		} else {
			l.start, l.hasStart = p, true
		}
	}
	return l
}

// departed raises the departed alert for the current leg.
func (t *Tracker) departed(s *acState, res *Result, p orb.Point) {
	l := s.leg
	if l.plan != nil && !l.leg.Departed.IsZero() {
		// Recorded under planMu: the not_departed check reads it from the
		// ticker goroutine, which does not hold this aircraft's shard.
		t.planMu.Lock()
		t.planDep[l.plan.plan.ID] = true
		t.planMu.Unlock()
	}
	if l.leg.Status == flight.LegAirborne && l.leg.Departed.IsZero() {
		return
	}
	if l.leg.Origin == "" {
		if a, _, ok := t.airports.Nearest(p, t.cfg.AirportNearKm, ""); ok {
			l.leg.Origin, l.start, l.hasStart = a.Ident, a.Point(), true
		} else {
			l.start, l.hasStart = p, true
		}
	}
	if !t.interesting(s) {
		return
	}
	msg := name(s) + " departed"
	if l.leg.Origin != "" {
		msg += " " + l.leg.Origin
	}
	if l.leg.PlannedDestination != "" {
		msg += " for " + l.leg.PlannedDestination
	}
	t.raise(s, res, l.leg.ID+"/departed", flight.AlertDeparted, p, msg)
}

// landingAirport picks the airport of a landing at p: the planned
// destination when within LandedNearKm, else the nearest medium or large
// airport within it, else any airport within AirportNearKm.
func (t *Tracker) landingAirport(l *legState, p orb.Point) (geo.Airport, bool) {
	if l.plan != nil && l.plan.hasD && geo.DistanceKm(p, l.plan.dest) <= t.cfg.LandedNearKm {
		if a, ok := t.airports.Lookup(l.plan.plan.Destination); ok {
			return a, true
		}
	}
	if l.plan == nil {
		if d, dp, ok := l.heldDest(); ok && geo.DistanceKm(p, dp) <= t.cfg.LandedNearKm {
			if a, ok := t.airports.Lookup(d); ok {
				return a, true
			}
		}
	}
	if a, _, ok := t.airports.Nearest(p, t.cfg.LandedNearKm, geo.MediumAirport); ok {
		return a, true
	}
	a, _, ok := t.airports.Nearest(p, t.cfg.AirportNearKm, "")
	return a, ok
}

// land closes the leg as landed at p and time at, raising landed, and
// diverted or turned_back as the plan and origin say.
func (t *Tracker) land(s *acState, res *Result, at time.Time, p orb.Point) {
	l := s.leg
	l.leg.Status, l.leg.Arrived, l.changed = flight.LegLanded, at, true
	s.airborne = false
	ap, ok := t.landingAirport(l, p)
	if ok {
		l.leg.ActualDestination = ap.Ident
	}
	l.leg.Class = t.classOf(&l.leg)
	if !t.interesting(s) {
		return
	}
	if s.ac.Watch != "" {
		t.remember(s.ac.Hex, pastLeg{origin: l.leg.Origin, dest: l.leg.ActualDestination, departed: l.leg.Departed, arrived: at})
	}
	where := l.leg.ActualDestination
	if where == "" {
		where = "away from any airport"
	}
	t.raise(s, res, l.leg.ID+"/landed", flight.AlertLanded, p, name(s)+" landed at "+where)
	origin, hasO := l.origin()
	sameEnds := l.plan != nil && l.plan.sameEndpoints
	if hasO && !sameEnds && detect.LandedBack(p, origin, l.back.MaxFromOrigin, t.cfg.LandedNearKm, t.cfg.TurnBackMinKm) {
		t.raise(s, res, l.leg.ID+"/turned_back", flight.AlertTurnedBack, p, name(s)+" turned back and landed at its origin "+l.leg.Origin)
		return
	}
	if l.plan != nil && l.plan.hasD && detect.Diverted(l.leg.ActualDestination, p, l.plan.plan.Destination, l.plan.dest, t.cfg.LandedNearKm) {
		t.raise(s, res, l.leg.ID+"/diverted", flight.AlertDiverted, p,
			name(s)+" diverted: planned "+l.plan.plan.Destination+", landed at "+where)
	}
	if l.plan == nil {
		t.divertedNoPlan(s, res, p, where)
	}
}

// silenceVerdict judges an airborne aircraft that has been silent since
// its last fix: landed there when the fix was low near an airport, else
// signal lost. It reports whether the leg changed.
func (t *Tracker) silenceVerdict(s *acState, res *Result) bool {
	l := s.leg
	p := s.pos
	if ap, ok := t.landingAirport(l, p); ok && detect.LowNearAirport(p, s.ac.AltFt, s.ac.Has&flight.HasAlt != 0, ap, t.cfg.LandedNearKm, t.cfg.LandedBelowFt) {
		t.land(s, res, s.ac.Time, p)
		return true
	}
	l.leg.Status, l.changed = flight.LegSignalLost, true
	s.ac.Phase = flight.PhaseLost
	if t.interesting(s) {
		t.raise(s, res, l.leg.ID+"/signal_lost", flight.AlertSignalLost, p, name(s)+" signal lost")
	}
	return true
}

// checkSilence is Tick's verdict on one aircraft silent for silent.
func (t *Tracker) checkSilence(s *acState, silent time.Duration) (Result, bool) {
	l := s.leg
	if l == nil || l.leg.Status != flight.LegAirborne || silent <= t.cfg.LandedSilence {
		return Result{}, false
	}
	p := s.pos
	res := Result{Accepted: true}
	if ap, ok := t.landingAirport(l, p); ok && detect.LowNearAirport(p, s.ac.AltFt, s.ac.Has&flight.HasAlt != 0, ap, t.cfg.LandedNearKm, t.cfg.LandedBelowFt) {
		t.land(s, &res, s.ac.Time, p)
	} else if silent > t.cfg.SignalLost {
		t.silenceVerdict(s, &res)
	} else {
		return Result{}, false
	}
	if s.airborne {
		s.ac.Phase = flight.PhaseLost
	} else {
		s.ac.Phase = flight.PhaseGround
	}
	l.changed = false
	res.Legs = append(res.Legs, l.leg)
	res.Aircraft = s.ac
	return res, true
}

// detect runs the in-flight detectors for an interesting airborne leg.
func (t *Tracker) detect(s *acState, res *Result, p orb.Point, newTrack bool) {
	l := s.leg
	at := s.ac.Time
	l.hold.Add(at, p, s.track, newTrack && s.hasTrack, t.lowForHold(s, l, p), t.cfg.realSpan(detect.HoldSampleEvery), t.cfg.HoldingWindow)
	if detect.Holding(&l.hold, p, t.cfg.HoldingTurnDeg, t.cfg.HoldingMaxProgress) {
		t.raise(s, res, l.leg.ID+"/holding", flight.AlertHolding, p, name(s)+" is holding")
	}
	origin, hasO := l.origin()
	if hasO {
		var dest orb.Point
		hasD := l.plan != nil && l.plan.hasD && !l.plan.sameEndpoints
		if hasD {
			dest = l.plan.dest
		} else if l.plan == nil {
			_, dest, hasD = l.heldDest()
		}
		if (l.plan == nil || !l.plan.sameEndpoints) && s.hasTrack &&
			detect.TurnBack(&l.back, at, p, s.track, origin, dest, hasD,
				detect.TurnBackParams{MinKm: t.cfg.TurnBackMinKm, MinFrac: t.cfg.TurnBackMinFraction, Duration: t.cfg.TurnBackDuration, MaxOffDeg: t.cfg.TurnBackMaxOffDeg}) {
			toward := l.leg.Origin
			if toward == "" && l.plan != nil {
				toward = l.plan.plan.Origin
			}
			t.raise(s, res, l.leg.ID+"/turned_back", flight.AlertTurnedBack, p, name(s)+" turned back toward "+toward)
		}
	}
	if pl := l.plan; pl != nil && pl.hasO && pl.hasD && !pl.sameEndpoints {
		out := detect.OffRoute(p, pl.origin, pl.dest, t.cfg.OffRouteMinNM, t.cfg.OffRouteFraction)
		switch {
		case out && !l.offRoute:
			l.offRoute = true
			l.offRouteN++
			t.raise(s, res, offRouteKey(l.leg.ID, l.offRouteN), flight.AlertOffRoute, p,
				name(s)+" is off the planned route "+pl.plan.Origin+"–"+pl.plan.Destination)
		case !out && l.offRoute:
			l.offRoute = false
			t.clear(s, res, offRouteKey(l.leg.ID, l.offRouteN), flight.AlertOffRoute, p, "back on the planned route")
		}
	}
}

// offRouteKey is the key of a leg's nth excursion from its corridor:
// legID/off_route for the first, legID/off_route/n after it, so each
// excursion is raised (and cleared on return) once.
func offRouteKey(legID string, n int) string {
	if n <= 1 {
		return legID + "/off_route"
	}
	return legID + "/off_route/" + itoa(int64(n))
}

// maxFieldElevFt bounds airport elevations (the highest airfields lie
// near 14,500 ft): no field lies within HoldingLowFt of an aircraft flying
// higher than HoldingLowFt above it, so none is looked up.
const maxFieldElevFt = 15000

// lowForHold reports whether an airborne aircraft at p flies lower than
// HoldingLowFt above, and within HoldingLowNearKm of, its planned
// destination (when it has one and is that close) or else the nearest
// airport: there its turns are a circuit, a go-around or an approach.
// With no altitude known it is not low.
func (t *Tracker) lowForHold(s *acState, l *legState, p orb.Point) bool {
	if s.ac.Has&flight.HasAlt == 0 || s.ac.AltFt >= t.cfg.HoldingLowFt+maxFieldElevFt {
		return false
	}
	near := t.cfg.HoldingLowNearKm
	if pl := l.plan; pl != nil && pl.hasD && geo.DistanceKm(p, pl.dest) <= near {
		if s.ac.AltFt-pl.destElevFt < t.cfg.HoldingLowFt {
			return true
		}
	}
	a, ok := l.hold.NearField(t.airports, p, near)
	return ok && geo.DistanceKm(p, a.Point()) <= near && s.ac.AltFt-a.ElevFt < t.cfg.HoldingLowFt
}

// emergency raises an alert when the squawk declares an emergency and
// clears it when the squawk changes; for every aircraft.
func (t *Tracker) emergency(s *acState, res *Result, p orb.Point) {
	kind := flight.Emergency(s.ac.Squawk)
	if kind == "" && s.ac.Squawk == "" {
		return // squawk unknown: nothing changed
	}
	if s.emergKey != "" && (kind == "" || s.emergKey[len(s.emergKey)-4:] != s.ac.Squawk) {
		a := t.alert(s, flight.AlertEmergency, s.emergKey+"/cleared", p, name(s)+" emergency over (squawk "+s.ac.Squawk+")")
		a.Cleared = true
		res.Alerts = append(res.Alerts, a)
		s.emergKey = ""
	}
	if kind != "" && s.emergKey == "" {
		base := s.ac.Hex + "-" + itoa(s.ac.Time.Unix())
		if s.leg != nil && s.leg.live() {
			base = s.leg.leg.ID
		}
		s.emergKey = base + "/emergency/" + s.ac.Squawk
		res.Alerts = append(res.Alerts, t.alert(s, flight.AlertEmergency, s.emergKey, p,
			name(s)+" squawks "+s.ac.Squawk+" ("+kind+")"))
	}
}

// geofences raises an alert on entering a fence and a cleared one on
// leaving it.
func (t *Tracker) geofences(s *acState, res *Result, p orb.Point) {
	for i := range t.fences {
		f := &t.fences[i]
		in := f.bound.Contains(p) && planar.MultiPolygonContains(f.Area, p)
		key, was := s.inFence[f.Name]
		switch {
		case in && !was:
			if s.inFence == nil {
				s.inFence = map[string]string{}
			}
			key = s.ac.Hex + "/geofence/" + f.Name + "/" + itoa(s.ac.Time.Unix())
			s.inFence[f.Name] = key
			res.Alerts = append(res.Alerts, t.alert(s, flight.AlertGeofence, key, p, name(s)+" entered "+f.Name))
		case !in && was:
			delete(s.inFence, f.Name)
			a := t.alert(s, flight.AlertGeofence, key+"/cleared", p, name(s)+" left "+f.Name)
			a.Cleared = true
			res.Alerts = append(res.Alerts, a)
		}
	}
}

// raise appends an alert for a leg cause once per key.
func (t *Tracker) raise(s *acState, res *Result, key string, typ flight.AlertType, p orb.Point, msg string) {
	l := s.leg
	if l.raised == nil {
		l.raised = map[string]bool{}
	}
	if l.raised[key] {
		return
	}
	l.raised[key] = true
	res.Alerts = append(res.Alerts, t.alert(s, typ, key, p, msg))
}

// clear appends the cleared form of a raised leg alert.
func (t *Tracker) clear(s *acState, res *Result, key string, typ flight.AlertType, p orb.Point, msg string) {
	l := s.leg
	if !l.raised[key] || l.raised[key+"/cleared"] {
		return
	}
	l.raised[key+"/cleared"] = true
	a := t.alert(s, typ, key+"/cleared", p, name(s)+" "+msg)
	a.Cleared = true
	res.Alerts = append(res.Alerts, a)
}

func (t *Tracker) alert(s *acState, typ flight.AlertType, key string, p orb.Point, msg string) flight.Alert {
	a := flight.Alert{ID: alertID(key), Key: key, Type: typ, Time: s.ac.Time, Hex: s.ac.Hex, Callsign: s.ac.Callsign,
		Message: msg, Lat: p[1], Lon: p[0]}
	if l := s.leg; l != nil {
		a.Flight, a.Plan, a.Origin = l.leg.ID, l.leg.Plan, l.leg.Origin
		a.PlannedDestination, a.ActualDestination = l.leg.PlannedDestination, l.leg.ActualDestination
	}
	return a
}

// name is how messages call an aircraft: callsign, else registration,
// else hex.
func name(s *acState) string {
	switch {
	case s.ac.Callsign != "":
		return s.ac.Callsign
	case s.ac.Reg != "":
		return s.ac.Reg
	}
	return s.ac.Hex
}
