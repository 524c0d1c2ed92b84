package track

import (
	"math"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/paulmach/orb"
)

// The tracker's side of prediction: it keeps each airborne watched leg's
// prediction up to date from the predictors in predict.go.

// Spans of the held-course estimate (real time; TimeScale divides them).
const (
	courseSampleEvery = 30 * time.Second
	courseMinAge      = 4 * time.Minute  // the held course is the bearing from a fix at least this old
	courseKeep        = 12 * time.Minute // fixes kept for it
	// A history or route prediction the aircraft flies clearly away from
	// early in the flight (between rejectFrom and rejectUntil after
	// take-off, for rejectFor in a row) is dropped for the leg: the
	// airframe is going somewhere new, not diverting.
	rejectFrom  = 8 * time.Minute
	rejectUntil = 40 * time.Minute
	rejectFor   = 5 * time.Minute
	rejectOff   = 100.0 // degrees between the held course and the bearing to the field
	planConf    = 0.9
)

// staticKey is what a history or route prediction depends on.
type staticKey struct {
	origin, callsign string
	hist, routes     uint64
}

type posSample struct {
	t time.Time
	p orb.Point
}

// predState is a leg's prediction state.
type predState struct {
	cur    prediction // the prediction shown on the leg
	curPt  orb.Point
	since  time.Time // cur.dest held since
	held   prediction
	heldPt orb.Point // held: the last prediction with enough confidence held long enough

	key      staticKey // the inputs static was worked out for
	keySet   bool
	static   prediction // from history or the route table
	staticPt orb.Point
	rejected bool
	offSince time.Time

	courseAt       time.Time
	course         prediction
	coursePt       orb.Point // where, on what course and in which mode course was worked out
	courseFrom     float64
	courseApproach bool
	descentAt      time.Time // last fix judged descending
	samples        []posSample
	courseDeg      float64 // the held course at the last sample
	courseOK       bool
}

// heldCourse returns the course flown over the last minutes: the bearing
// from the newest fix at least courseMinAge old, when the aircraft has
// moved 5 km since; ok is false before that. It is worked out when a fix
// is sampled (every courseSampleEvery) and kept in between.
func (ps *predState) heldCourse(at time.Time, p orb.Point, c Config) (float64, bool) {
	if n := len(ps.samples); n > 0 && at.Sub(ps.samples[n-1].t) < c.realSpan(courseSampleEvery) {
		return ps.courseDeg, ps.courseOK
	}
	ps.samples = append(ps.samples, posSample{at, p})
	cut := 0
	for cut < len(ps.samples) && at.Sub(ps.samples[cut].t) > c.realSpan(courseKeep) {
		cut++
	}
	if cut > 0 {
		ps.samples = append(ps.samples[:0], ps.samples[cut:]...)
	}
	ps.courseDeg, ps.courseOK = 0, false
	minAge := c.realSpan(courseMinAge)
	for i := len(ps.samples) - 1; i >= 0; i-- {
		if at.Sub(ps.samples[i].t) >= minAge {
			if geo.DistanceKm(ps.samples[i].p, p) >= 5 {
				ps.courseDeg, ps.courseOK = geo.BearingDeg(ps.samples[i].p, p), true
			}
			break
		}
	}
	return ps.courseDeg, ps.courseOK
}

// history returns a copy of an airframe's landed legs, oldest first.
func (t *Tracker) history(hex string) []pastLeg {
	t.histMu.Lock()
	defer t.histMu.Unlock()
	return append([]pastLeg(nil), t.hist[hex]...)
}

// maxHistory bounds the landed legs kept per airframe.
const maxHistory = 64

// remember adds a landed leg to its airframe's history, in time order.
func (t *Tracker) remember(hex string, p pastLeg) {
	if p.origin == "" || p.dest == "" {
		return
	}
	t.histMu.Lock()
	defer t.histMu.Unlock()
	h := t.hist[hex]
	for _, x := range h {
		if x.origin == p.origin && x.dest == p.dest && x.arrived.Equal(p.arrived) {
			return
		}
	}
	i := len(h)
	for i > 0 && h[i-1].arrived.After(p.arrived) {
		i--
	}
	h = append(h, pastLeg{})
	copy(h[i+1:], h[i:])
	h[i] = p
	if len(h) > maxHistory {
		h = append(h[:0:0], h[len(h)-maxHistory:]...)
	}
	t.hist[hex] = h
	t.histVer.Add(1)
}

// bigAirports returns the medium and large airports of the tracker's
// index, indexed on their own (built on first use).
func (t *Tracker) bigAirports() *geo.AirportIndex {
	t.bigOnce.Do(func() {
		var list []geo.Airport
		for _, a := range t.airports.All() {
			if a.Type == geo.LargeAirport || a.Type == geo.MediumAirport {
				list = append(list, a)
			}
		}
		t.big = geo.NewAirportIndex(list)
	})
	return t.big
}

// predict brings the prediction of an airborne watched leg up to date
// after a fix at p.
func (t *Tracker) predict(s *acState, l *legState, p orb.Point) {
	at := s.ac.Time
	ps := &l.pred
	course, held := ps.heldCourse(at, p, t.cfg)
	var next prediction
	var nextPt orb.Point
	switch {
	case l.plan != nil && l.plan.hasD && !l.plan.sameEndpoints:
		next, nextPt = prediction{dest: l.plan.plan.Destination, conf: planConf, basis: flight.BasisPlan, note: "planned"}, l.plan.dest
	default:
		t.staticPrediction(s, l)
		if ps.static.ok() && !ps.rejected && held {
			t.checkRejected(l, at, p, course)
		}
		if ps.static.ok() && !ps.rejected {
			next, nextPt = ps.static, ps.staticPt
			break
		}
		if held && (ps.courseAt.IsZero() || at.Sub(ps.courseAt) >= t.cfg.PredictEvery) {
			approach := t.onApproach(s, ps)
			// In cruise on a steady course the answer barely moves: it is
			// worked out again after 25 km, a 5° change or the descent.
			if approach || ps.courseAt.IsZero() || approach != ps.courseApproach ||
				geo.DistanceKm(ps.coursePt, p) >= 25 || math.Abs(geo.TurnDeg(ps.courseFrom, course)) >= 5 {
				ps.course = t.coursePrediction(s, l, p, course, approach)
				ps.coursePt, ps.courseFrom, ps.courseApproach = p, course, approach
			}
			ps.courseAt = at
		}
		next = ps.course
		if a, ok := t.airports.Lookup(next.dest); ok {
			nextPt = a.Point()
		}
	}
	if next.dest != ps.cur.dest {
		ps.since = at
	}
	ps.cur, ps.curPt = next, nextPt
	if next.ok() && next.conf >= t.cfg.PredictMinConfidence && at.Sub(ps.since) >= t.cfg.PredictMinHold {
		ps.held, ps.heldPt = next, nextPt
	}
	lg := &l.leg
	conf := math.Round(next.conf*100) / 100
	if lg.PredictedDestination != next.dest || lg.PredictedBasis != next.basis || math.Abs(lg.PredictedConfidence-conf) >= 0.05 {
		lg.PredictedDestination, lg.PredictedBasis, lg.PredictedConfidence = next.dest, next.basis, conf
		l.changed = true
	}
}

// staticPrediction works out the history or route prediction when its
// inputs (origin, callsign, the airframe's history, the route table)
// changed.
func (t *Tracker) staticPrediction(s *acState, l *legState) {
	ps := &l.pred
	rt := t.routes.Load()
	key := staticKey{origin: l.leg.Origin, callsign: s.ac.Callsign, hist: t.histVer.Load(), routes: rt.ver}
	if ps.keySet && key == ps.key {
		return
	}
	ps.key, ps.keySet = key, true
	old := ps.static.dest
	ps.static, ps.staticPt = prediction{}, orb.Point{}
	hist := t.history(s.ac.Hex)
	o := l.leg.Origin
	if o == "" {
		o = t.inferredOrigin(hist, l)
	}
	if o != "" {
		dep := l.leg.Departed
		if dep.IsZero() {
			dep = l.leg.FirstSeen
		}
		ps.static = predictHistory(hist, o, missionPrev(hist, o, dep, t.cfg.MissionWindow), t.cfg.MissionWindow)
		if !ps.static.ok() && s.ac.Callsign != "" {
			if stops, ok := rt.r.Lookup(s.ac.Callsign); ok {
				ps.static = predictRoute(stops, s.ac.Callsign, o, orb.Point{}, 0, false)
			}
		}
	}
	if a, ok := t.airports.Lookup(ps.static.dest); ps.static.ok() && ok {
		ps.staticPt = a.Point()
	} else {
		ps.static = prediction{}
	}
	if ps.static.dest != old {
		ps.rejected, ps.offSince = false, time.Time{}
	}
}

// inferredOriginKm: a leg first seen in the air this close to where the
// airframe last landed, within the mission window, is taken to have left
// from there (for the history prediction only; the leg's origin stays
// unknown).
const inferredOriginKm = 150

// inferredOrigin returns where a leg first seen airborne most likely took
// off: the field of the airframe's last landing, when recent and near.
func (t *Tracker) inferredOrigin(hist []pastLeg, l *legState) string {
	if len(hist) == 0 || !l.hasFirst {
		return ""
	}
	h := hist[len(hist)-1]
	if l.leg.FirstSeen.Before(h.arrived) || l.leg.FirstSeen.Sub(h.arrived) > t.cfg.MissionWindow {
		return ""
	}
	a, ok := t.airports.Lookup(h.dest)
	if !ok || geo.DistanceKm(a.Point(), l.first) > inferredOriginKm {
		return ""
	}
	return h.dest
}

// checkRejected drops the static prediction when, early in the flight,
// the aircraft holds a course clearly away from the predicted field.
func (t *Tracker) checkRejected(l *legState, at time.Time, p orb.Point, course float64) {
	ps := &l.pred
	dep := l.leg.Departed
	if dep.IsZero() {
		return
	}
	up := at.Sub(dep)
	if up < t.cfg.realSpan(rejectFrom) || up > t.cfg.realSpan(rejectUntil) {
		ps.offSince = time.Time{}
		return
	}
	// Heading back toward the origin is a turn-back, not a new destination.
	origin, hasO := l.origin()
	back := hasO && geo.DistanceKm(p, origin) > 5 && !contradicts(p, course, origin, 60)
	if back || !contradicts(p, course, ps.staticPt, rejectOff) || geo.DistanceKm(p, ps.staticPt) < 100 {
		ps.offSince = time.Time{}
		return
	}
	if ps.offSince.IsZero() {
		ps.offSince = at
	}
	if at.Sub(ps.offSince) >= t.cfg.realSpan(rejectFor) {
		ps.rejected = true
		if ps.held.dest == ps.static.dest {
			ps.held, ps.heldPt = prediction{}, orb.Point{}
		}
	}
}

// coursePrediction predicts from the route table with no known origin
// (the stop ahead on the course), else from the held course.
func (t *Tracker) coursePrediction(s *acState, l *legState, p orb.Point, course float64, approach bool) prediction {
	if l.leg.Origin == "" && s.ac.Callsign != "" {
		if stops, ok := t.routes.Load().r.Lookup(s.ac.Callsign); ok {
			if pr := predictRoute(stops, s.ac.Callsign, "", p, course, true); pr.ok() {
				return pr
			}
		}
	}
	a := &s.ac.Observation
	return predictCourse(t.bigAirports(), courseInput{p: p, courseDeg: course, altFt: a.AltFt,
		hasAlt: a.Has&flight.HasAlt != 0, approach: approach, origin: l.leg.Origin})
}

// onApproach reports whether the aircraft's field lies within the
// descent ahead: it is descending, or has been within the last
// approachStep minutes and has not climbed since (a level-off on the way
// down), or flies below 10,000 ft.
func (t *Tracker) onApproach(s *acState, ps *predState) bool {
	a := &s.ac.Observation
	if a.Has&flight.HasAlt == 0 {
		return false
	}
	at := s.ac.Time
	switch s.ac.Phase {
	case flight.PhaseDescent:
		ps.descentAt = at
	case flight.PhaseClimb:
		ps.descentAt = time.Time{}
	}
	recent := !ps.descentAt.IsZero() && at.Sub(ps.descentAt) <= t.cfg.realSpan(approachStep)
	return a.AltFt < 10000 || recent
}

// approachStep: a level-off this long on the way down still counts as
// the approach.
const approachStep = 10 * time.Minute

// divertedNoPlan raises diverted for a watched leg with no plan that
// landed at p (airport ident where, "" when none) away from its held
// prediction, or away from its origin after turning back.
func (t *Tracker) divertedNoPlan(s *acState, res *Result, p orb.Point, where string) {
	l := s.leg
	origin, hasO := l.origin()
	oname := l.leg.Origin
	if oname == "" {
		oname = "its origin"
	}
	tail, ok := divertedUnplanned(divertInput{landed: p, landedAt: l.leg.ActualDestination, held: l.pred.held,
		heldPt: l.pred.heldPt, turnedBack: l.raised[l.leg.ID+"/turned_back"], origin: oname, originPt: origin,
		hasOrigin: hasO, nearKm: t.cfg.LandedNearKm})
	if !ok {
		return
	}
	t.raise(s, res, l.leg.ID+"/diverted", flight.AlertDiverted, p, name(s)+" diverted: "+tail+", landed at "+where)
}

// heldDest returns the leg's held predicted destination, when it has one.
func (l *legState) heldDest() (string, orb.Point, bool) {
	if !l.pred.held.ok() {
		return "", orb.Point{}, false
	}
	return l.pred.held.dest, l.pred.heldPt, true
}
