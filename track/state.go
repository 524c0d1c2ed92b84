package track

import (
	"slices"
	"strconv"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/track/detect"
	"github.com/paulmach/orb"
)

// acState is one aircraft's state, guarded by its shard's mutex.
type acState struct {
	ac       flight.Aircraft
	seen     bool
	pos      orb.Point
	jumps    int
	airborne bool
	leg      *legState
	watchVer uint64
	matchSig string
	feedMil  bool // flagged military by a feed (the watchlist's military tag aside)

	refPt   orb.Point // ground reference cache
	refElev float64
	refSet  bool

	trailAt    time.Time
	trailTrack float64

	anchor    orb.Point // for tracks derived from positions
	anchorSet bool
	track     float64
	hasTrack  bool

	emergKey string            // key of the active emergency alert
	inFence  map[string]string // fence name -> key of the active geofence alert

	gen uint64 // steps taken, for Txn.Rollback
	txn *undo  // the transaction stepping the state now, if any
}

// legState is a flight leg with its detector state.
type legState struct {
	leg      flight.Leg
	plan     *planInfo
	start    orb.Point // where the leg started (take-off or first ground fix)
	hasStart bool
	first    orb.Point // the leg's first fix
	hasFirst bool
	changed  bool
	raised   map[string]bool

	triedVer  uint64
	triedCall string
	triedDep  time.Time

	hold      detect.Hold
	back      detect.Back
	offRoute  bool // outside the planned corridor now
	offRouteN int  // excursions from the corridor so far
	pred      predState

	emittedAt time.Time // observation time the leg was last emitted at
}

// legProgressEvery is how often (in real time) a flying leg is emitted
// only because its last_seen moved on.
const legProgressEvery = 30 * time.Second

func (l *legState) live() bool {
	return l.leg.Status == flight.LegTaxi || l.leg.Status == flight.LegAirborne || l.leg.Status == flight.LegSignalLost
}

func (l *legState) snapshot() flight.Leg { return l.leg }

// origin returns the point turn-back is measured from: the leg's start,
// else the plan's origin.
func (l *legState) origin() (orb.Point, bool) {
	if l.plan != nil && l.plan.hasO && (!l.hasStart || geo.DistanceKm(l.start, l.plan.origin) <= 50) {
		return l.plan.origin, true
	}
	return l.start, l.hasStart
}

// trackJumpDrops is how many position jumps in a row the tracker drops
// before it trusts the new position.
const trackJumpDrops = 2

// step applies one observation to s.
func (t *Tracker) step(s *acState, o flight.Observation) Result {
	p := orb.Point{o.Lon, o.Lat}
	if s.seen {
		if o.Time.Equal(s.ac.Time) && p == s.pos {
			// The same fix again: a client retrying after its store
			// write failed, or two feeds with one source. Accept it as
			// the current state, so that storing it again is idempotent.
			res := Result{Accepted: true, Aircraft: s.ac}
			if s.leg != nil {
				res.Legs = []flight.Leg{s.leg.leg}
			}
			return res
		}
		if !o.Time.After(s.ac.Time) {
			return Result{Reason: "not newer than the last observation", Aircraft: s.ac}
		}
		last := geo.LastFix{Pos: s.pos, Time: s.ac.Time, Dropped: s.jumps, Set: true}
		if ok, kt := (geo.JumpRule{MaxKt: t.cfg.MaxJumpKt, Drops: trackJumpDrops}).Allow(&last, o.Time, p); !ok {
			s.jumps = last.Dropped
			return Result{Reason: "position jump of " + strconv.Itoa(int(kt)) + " kt", Aircraft: s.ac}
		}
	}
	s.jumps = 0
	res := Result{Accepted: true}
	prev := s.ac
	gap := o.Time.Sub(prev.Time)
	if s.seen && s.leg != nil && s.leg.leg.Status == flight.LegAirborne && gap > t.cfg.SignalLost {
		t.silenceVerdict(s, &res) // judged on the last fix, at its time
	}
	t.merge(s, o)
	newTrack := t.updateTrack(s, o, p)
	ev := t.evidence(s, p)
	wasAir := s.airborne
	switch {
	case ev > 0:
		s.airborne = true
	case ev < 0:
		s.airborne = false
	case !s.seen:
		s.airborne = s.ac.Has&flight.HasAlt != 0 // low and fast, or nothing known
	}
	s.seen = true
	s.pos = p
	t.legs(s, &res, p, wasAir)
	if l := s.leg; l != nil {
		l.leg.LastSeen, l.leg.LastLat, l.leg.LastLon = o.Time, o.Lat, o.Lon
		if l.leg.Callsign != s.ac.Callsign && s.ac.Callsign != "" {
			l.leg.Callsign, l.changed = s.ac.Callsign, true
		}
		l.leg.Reg, l.leg.Type = s.ac.Reg, s.ac.Type
		t.matchPlan(s, l)
		if l.leg.Status == flight.LegAirborne && t.interesting(s) {
			t.predict(s, l, p)
			t.detect(s, &res, p, newTrack)
		}
	}
	t.emergency(s, &res, p)
	if t.interesting(s) && len(t.fences) > 0 {
		t.geofences(s, &res, p)
	}
	phase := t.phase(s, &prev)
	res.Trail = prev.Time.IsZero() || phase != prev.Phase || o.Time.Sub(s.trailAt) >= t.cfg.TrailEvery ||
		(s.hasTrack && absf(geo.TurnDeg(s.trailTrack, s.track)) > t.cfg.TrailTurnDeg)
	if res.Trail {
		s.trailAt, s.trailTrack = o.Time, s.track
	}
	s.ac.Phase = phase
	if l := s.leg; l != nil {
		s.ac.Leg = l.leg.ID
		l.leg.Watch, l.leg.Tags = s.ac.Watch, s.ac.Tags
		flying := l.leg.Status == flight.LegAirborne || l.leg.Status == flight.LegSignalLost
		if flying || l.leg.Arrived.Equal(o.Time) {
			res.Leg = l.leg.ID
		}
		// A flying leg is emitted with a kept trail point at least every
		// legProgressEvery too, so that its last_seen and duration
		// advance as it flies.
		if l.changed || (res.Trail && flying && o.Time.Sub(l.emittedAt) >= t.cfg.realSpan(legProgressEvery)) {
			l.leg.Class = t.classOf(&l.leg)
			res.Legs = append(res.Legs, l.leg)
			l.changed = false
			l.emittedAt = o.Time
		}
	}
	res.Aircraft = s.ac
	return res
}

func absf(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// merge folds o into s.ac: text fields heard once are kept, optional
// numeric fields missing from o keep their last value (except OnGround,
// which is never carried over), and the watchlist is matched again when
// an identifying field or the watchlist changed.
func (t *Tracker) merge(s *acState, o flight.Observation) {
	prev := s.ac.Observation
	m := o
	if m.Callsign == "" {
		m.Callsign = prev.Callsign
	}
	if m.Reg == "" {
		m.Reg = prev.Reg
	}
	if m.Type == "" {
		m.Type = prev.Type
	}
	carrySpan := t.cfg.realSpan(time.Minute)
	if m.Squawk == "" && o.Time.Sub(prev.Time) < carrySpan {
		m.Squawk = prev.Squawk
	}
	m.Military = m.Military || s.feedMil
	s.feedMil = m.Military
	carry := prev.Has &^ m.Has &^ flight.HasGround
	if o.Time.Sub(prev.Time) > carrySpan {
		carry = 0
	}
	if carry&flight.HasAlt != 0 {
		m.AltFt = prev.AltFt
	}
	if carry&flight.HasGS != 0 {
		m.GSKt = prev.GSKt
	}
	if carry&flight.HasTrack != 0 {
		m.TrackDeg = prev.TrackDeg
	}
	if carry&flight.HasVRate != 0 {
		m.VRateFPM = prev.VRateFPM
	}
	m.Has |= carry
	s.ac.Observation = m
	wh := t.watch.Load()
	sig := m.Callsign + "|" + m.Reg + "|" + m.Type
	if m.Military {
		sig += "|m"
	}
	if s.watchVer != wh.ver || s.matchSig != sig {
		s.watchVer, s.matchSig = wh.ver, sig
		s.ac.Watch, s.ac.Tags, _ = wh.w.Match(&s.ac)
	}
	// The military flag and the tags agree: a watchlist entry tagged
	// military (a C-17 matched by type) makes the aircraft military too.
	s.ac.Military = s.feedMil || slices.Contains(s.ac.Tags, "military")
}

// updateTrack sets s.track from the reported track, or from the bearing
// between fixes at least 1 km apart; it reports whether the track changed.
func (t *Tracker) updateTrack(s *acState, o flight.Observation, p orb.Point) bool {
	moved := s.anchorSet && geo.DistanceKm(s.anchor, p) >= 1
	if !s.anchorSet {
		s.anchor, s.anchorSet = p, true
	}
	if o.Has&flight.HasTrack != 0 {
		s.track, s.hasTrack = o.TrackDeg, true
		if moved {
			s.anchor = p
		}
		return true
	}
	if moved {
		s.track, s.hasTrack = geo.BearingDeg(s.anchor, p), true
		s.anchor = p
		return true
	}
	return false
}

// groundElev returns the elevation of the nearest airport within
// AirportNearKm (0 with none), cached while the aircraft stays within 2 km.
func (t *Tracker) groundElev(s *acState, p orb.Point) float64 {
	if s.refSet && geo.DistanceKm(s.refPt, p) < 2 {
		return s.refElev
	}
	s.refPt, s.refSet, s.refElev = p, true, 0
	if a, _, ok := t.airports.Nearest(p, t.cfg.AirportNearKm, ""); ok {
		s.refElev = a.ElevFt
	}
	return s.refElev
}

// evidence judges the merged observation: +1 airborne, -1 on the ground,
// 0 when it cannot tell (low and fast: a take-off roll or a low pass).
func (t *Tracker) evidence(s *acState, p orb.Point) int {
	a := &s.ac.Observation
	if a.Has&flight.HasGround != 0 {
		if a.OnGround {
			return -1
		}
		return 1
	}
	hasAlt, hasGS := a.Has&flight.HasAlt != 0, a.Has&flight.HasGS != 0
	if hasAlt && a.AltFt > 18000 {
		return 1
	}
	if hasAlt {
		if a.AltFt > t.groundElev(s, p)+t.cfg.AirborneAboveFt {
			return 1
		}
		if hasGS && a.GSKt < t.cfg.TakeoffSpeedKt {
			return -1
		}
		return 0
	}
	if hasGS && a.GSKt >= t.cfg.TakeoffSpeedKt {
		return 1
	}
	return 0
}

// phase judges the phase of flight from the vertical rate, or the altitude
// change since prev.
func (t *Tracker) phase(s *acState, prev *flight.Aircraft) flight.Phase {
	if !s.airborne {
		return flight.PhaseGround
	}
	a := &s.ac.Observation
	rate, ok := a.VRateFPM, a.Has&flight.HasVRate != 0
	if !ok && a.Has&flight.HasAlt != 0 && prev.Has&flight.HasAlt != 0 {
		if m := a.Time.Sub(prev.Time).Minutes() * t.cfg.scale; m > 0 && m < 5 {
			rate, ok = (a.AltFt-prev.AltFt)/m, true
		}
	}
	switch {
	case !ok && prev.Phase != flight.PhaseGround && prev.Phase != flight.PhaseLost && prev.Phase != "":
		return prev.Phase
	case rate > 400:
		return flight.PhaseClimb
	case rate < -400:
		return flight.PhaseDescent
	}
	return flight.PhaseCruise
}

// interesting reports whether alerts other than emergency are raised for
// the aircraft: it is watched or its leg matched a plan.
func (t *Tracker) interesting(s *acState) bool {
	return s.ac.Watch != "" || (s.leg != nil && s.leg.plan != nil)
}

// legID names a leg: hex "-" the Unix seconds of the leg's first sighting
// (on the ground or airborne; for a leg after a landing, its take-off).
// The id never changes while the leg lives.
func legID(hex string, at time.Time) string { return hex + "-" + strconv.FormatInt(at.Unix(), 10) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// phase0 judges whether an aircraft seen once is climbing: a positive
// vertical rate, or a low altitude with take-off speed and nothing else
// known (taken as climbing out).
func (s *acState) phase0(t *Tracker) flight.Phase {
	a := &s.ac.Observation
	if a.Has&flight.HasVRate != 0 {
		if a.VRateFPM > 400 {
			return flight.PhaseClimb
		}
		return flight.PhaseCruise
	}
	return flight.PhaseClimb
}
