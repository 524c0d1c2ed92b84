package track

import (
	"fmt"
	"hash/fnv"
	"hash/maphash"
	"log/slog"
	"math"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/track/geofence"
	"github.com/flightwatch/flightwatch/track/routes"
	"github.com/flightwatch/flightwatch/track/watch"
	"github.com/paulmach/orb"
)

// Deps are the tracker's collaborators. Airports and Countries are the
// indexes it resolves airports and countries in; nil knows none. Nil
// Watchlist watches nothing; nil Logger discards.
type Deps struct {
	Airports  *geo.AirportIndex
	Countries *geo.CountryIndex
	Watchlist *watch.List
	// Routes is the callsign route table for predictions (nil: none).
	Routes    *routes.Table
	Geofences []geofence.Fence
	Logger    *slog.Logger
}

const nShards = 64

type shard struct {
	mu sync.Mutex
	m  map[string]*acState
}

// Tracker keeps per-aircraft state and raises alerts. Create it with New;
// it is safe for concurrent use.
type Tracker struct {
	cfg      Config
	airports *geo.AirportIndex
	fences   []fence
	log      *slog.Logger
	seed     maphash.Seed
	shards   [nShards]shard

	watch  atomic.Pointer[watchHolder]
	plans  atomic.Pointer[planSet]
	routes atomic.Pointer[routesHolder]

	country countryOf
	bigOnce sync.Once
	big     *geo.AirportIndex // medium and large airports only, for the course basis

	histMu  sync.Mutex
	hist    map[string][]pastLeg // hex -> landed legs of watched airframes, oldest first
	histVer atomic.Uint64        // bumped on every change to hist

	newest   atomic.Int64 // newest observation time, Unix nanoseconds
	clockMu  sync.Mutex
	markObs  int64     // newest at the last Tick that saw it change
	markWall time.Time // wall clock of that Tick

	owner atomic.Pointer[func(string) bool] // SetOwner; nil owns everything

	planMu  sync.Mutex
	planUse map[string]*legState // plan id -> the leg it matched
	planDep map[string]bool      // plan id -> its matched leg has taken off
	notDep  map[string]bool      // plan ids alerted not_departed
}

type routesHolder struct {
	r   *routes.Table
	ver uint64
}

type watchHolder struct {
	w   *watch.List
	ver uint64
}

// planInfo is a plan with its airports resolved.
type planInfo struct {
	plan          flight.Plan
	origin, dest  orb.Point
	hasO, hasD    bool
	destElevFt    float64
	sameEndpoints bool // origin and destination coincide: no turn-back
}

type planSet struct {
	ver    uint64
	list   []*planInfo
	byHex  map[string][]*planInfo
	byCall map[string][]*planInfo
}

// New returns a tracker with cfg (zero fields take their defaults) and deps.
func New(cfg Config, deps Deps) *Tracker {
	t := &Tracker{cfg: cfg.withDefaults(), airports: deps.Airports, log: deps.Logger,
		seed: maphash.MakeSeed(), planUse: map[string]*legState{}, planDep: map[string]bool{}, notDep: map[string]bool{}}
	if t.airports == nil {
		t.airports = geo.NewAirportIndex(nil)
	}
	if t.log == nil {
		t.log = slog.New(slog.DiscardHandler)
	}
	t.log = t.log.With("component", "track")
	for i := range t.shards {
		t.shards[i].m = map[string]*acState{}
	}
	t.buildFences(deps.Geofences, deps.Countries)
	t.watch.Store(&watchHolder{w: deps.Watchlist, ver: 1})
	t.routes.Store(&routesHolder{r: deps.Routes, ver: 1})
	t.hist = map[string][]pastLeg{}
	t.country = countryOf{airports: t.airports, countries: deps.Countries}
	t.plans.Store(&planSet{ver: 1})
	return t
}

// SetWatchlist replaces the watchlist; aircraft are matched again on their
// next observation.
func (t *Tracker) SetWatchlist(w *watch.List) {
	old := t.watch.Load()
	t.watch.Store(&watchHolder{w: w, ver: old.ver + 1})
}

// SetRoutes replaces the callsign route table; legs predicted from the
// old one are predicted again on their next observation.
func (t *Tracker) SetRoutes(r *routes.Table) {
	old := t.routes.Load()
	t.routes.Store(&routesHolder{r: r, ver: old.ver + 1})
}

// SetPlans replaces the flight plans. Plans are normalised; those whose
// airports are unknown still match aircraft but cannot be checked for
// route, diversion or turn-back. Legs without a plan try to match again on
// their next observation.
func (t *Tracker) SetPlans(plans []flight.Plan) {
	old := t.plans.Load()
	ps := &planSet{ver: old.ver + 1, byHex: map[string][]*planInfo{}, byCall: map[string][]*planInfo{}}
	for _, p := range plans {
		if err := p.Normalize(t.airports); err != nil {
			t.log.Debug("plan does not check; it matches, unchecked where its airports are unknown", "plan", p.ID, "err", err)
		}
		pi := &planInfo{plan: p}
		if a, ok := t.airports.Lookup(p.Origin); ok {
			pi.origin, pi.hasO = a.Point(), true
		}
		if a, ok := t.airports.Lookup(p.Destination); ok {
			pi.dest, pi.hasD, pi.destElevFt = a.Point(), true, a.ElevFt
		}
		pi.sameEndpoints = pi.hasO && pi.hasD && geo.DistanceKm(pi.origin, pi.dest) <= t.cfg.LandedNearKm
		ps.list = append(ps.list, pi)
		if p.Hex != "" {
			ps.byHex[p.Hex] = append(ps.byHex[p.Hex], pi)
		}
		if p.Callsign != "" {
			ps.byCall[p.Callsign] = append(ps.byCall[p.Callsign], pi)
		}
	}
	t.plans.Store(ps)
}

func (t *Tracker) shard(hex string) *shard {
	return &t.shards[maphash.String(t.seed, hex)%nShards]
}

// Observe feeds one observation (normalised and validated by its feed) and
// returns what the tracker made of it. It is safe for concurrent use;
// observations of one aircraft must arrive in time order, and older ones
// are dropped.
func (t *Tracker) Observe(o flight.Observation) Result {
	if o.Hex == "" || flight.ValidLatLon(o.Lat, o.Lon) != nil || o.Time.IsZero() {
		return Result{Reason: "invalid observation"}
	}
	sh := t.shard(o.Hex)
	sh.mu.Lock()
	s := sh.m[o.Hex]
	if s == nil {
		s = &acState{}
		sh.m[o.Hex] = s
	}
	s.txn = nil
	res := t.step(s, o)
	s.gen++
	sh.mu.Unlock()
	if res.Accepted {
		t.advance(o)
	}
	return res
}

// advance moves the newest observation time on to o's.
func (t *Tracker) advance(o flight.Observation) {
	n := o.Time.UnixNano()
	for {
		cur := t.newest.Load()
		if n <= cur || t.newest.CompareAndSwap(cur, n) {
			break
		}
	}
}

// feedClock returns the tracker's notion of the current time: the newest
// observation time, moved on by the wall clock since a Tick first saw it;
// now itself before any observation.
func (t *Tracker) feedClock(now time.Time) time.Time {
	n := t.newest.Load()
	if n == 0 {
		return now
	}
	t.clockMu.Lock()
	defer t.clockMu.Unlock()
	if n != t.markObs {
		t.markObs, t.markWall = n, now
	}
	ref := time.Unix(0, n).UTC()
	if d := now.Sub(t.markWall); d > 0 {
		ref = ref.Add(d)
	}
	return ref
}

// Tick runs the clock-driven detectors against the feed clock (see
// feedClock): airborne aircraft silent past LandedSilence with a low last
// fix near an airport are landed there, others silent past SignalLost are
// marked signal_lost; planned flights not airborne by departure plus grace
// raise not_departed; aircraft silent past StateTTL are forgotten. Only
// aircraft and plans this tracker owns are judged (SetOwner). Call it
// every few seconds with the wall clock.
func (t *Tracker) Tick(now time.Time) []Result {
	ref := t.feedClock(now)
	var out []Result
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.Lock()
		for hex, s := range sh.m {
			silent := ref.Sub(s.ac.Time)
			if silent > t.cfg.StateTTL {
				delete(sh.m, hex)
				continue
			}
			if !t.owns(hex) {
				continue
			}
			if r, ok := t.checkSilence(s, silent); ok {
				out = append(out, r)
			}
		}
		sh.mu.Unlock()
	}
	return append(out, t.checkNotDeparted(ref)...)
}

// checkNotDeparted raises not_departed for plans whose departure plus grace
// has passed at ref with no take-off seen.
func (t *Tracker) checkNotDeparted(ref time.Time) []Result {
	ps := t.plans.Load()
	var out []Result
	t.planMu.Lock()
	defer t.planMu.Unlock()
	for _, pi := range ps.list {
		p := pi.plan
		if p.Departure.IsZero() || t.notDep[p.ID] || !t.owns(PlanKey(p)) {
			continue
		}
		due := p.Departure.Add(t.cfg.NotDepartedGrace)
		if ref.Before(due) || ref.Sub(due) > t.cfg.NotDepartedMaxAge {
			continue
		}
		if t.planDep[p.ID] {
			continue
		}
		t.notDep[p.ID] = true
		name := p.Callsign
		if name == "" {
			name = p.Hex
		}
		if name == "" {
			name = "plan " + p.ID
		}
		a := flight.Alert{Key: p.ID + "/not_departed", Type: flight.AlertNotDeparted, Time: due,
			Hex: p.Hex, Callsign: p.Callsign, Plan: p.ID, Origin: p.Origin, PlannedDestination: p.Destination,
			Message: name + " has not departed " + p.Origin + " for " + p.Destination + " (due " + p.Departure.Format(time.RFC3339) + ")"}
		if pi.hasO {
			a.Lon, a.Lat = pi.origin[0], pi.origin[1]
		}
		a.ID = alertID(a.Key)
		out = append(out, Result{Accepted: true, Alerts: []flight.Alert{a}})
	}
	return out
}

// Legs returns every tracked aircraft's current (or last) flight leg,
// ordered by id.
func (t *Tracker) Legs() []flight.Leg {
	var out []flight.Leg
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.Lock()
		for _, s := range sh.m {
			if s.leg != nil {
				out = append(out, s.leg.snapshot())
			}
		}
		sh.mu.Unlock()
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Aircraft returns the merged state of one aircraft.
func (t *Tracker) Aircraft(hex string) (flight.Aircraft, bool) {
	sh := t.shard(hex)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	s, ok := sh.m[hex]
	if !ok {
		return flight.Aircraft{}, false
	}
	return s.ac, true
}

// matchPlan finds the best plan for a leg: by hex when the plan has one,
// else by callsign, with the leg starting within PlanOriginKm of the plan's
// origin (when the leg's start is known) and its take-off or first
// sighting within PlanWindow of the plan's departure (when set). The
// closest in time wins; a plan matched by another live leg is skipped.
func (t *Tracker) matchPlan(s *acState, l *legState) {
	ps := t.plans.Load()
	if l.plan != nil || len(ps.list) == 0 {
		return
	}
	if l.triedVer == ps.ver && l.triedCall == s.ac.Callsign && l.triedDep == l.leg.Departed {
		return
	}
	l.triedVer, l.triedCall, l.triedDep = ps.ver, s.ac.Callsign, l.leg.Departed
	cands := ps.byHex[s.ac.Hex]
	if s.ac.Callsign != "" {
		for _, pi := range ps.byCall[s.ac.Callsign] {
			if pi.plan.Hex == "" || pi.plan.Hex == s.ac.Hex {
				cands = append(cands[:len(cands):len(cands)], pi)
			}
		}
	}
	if len(cands) == 0 {
		return
	}
	when := l.leg.Departed
	if when.IsZero() {
		when = l.leg.FirstSeen
	}
	var best *planInfo
	bestDt := time.Duration(math.MaxInt64)
	t.planMu.Lock()
	defer t.planMu.Unlock()
	for _, pi := range cands {
		if u := t.planUse[pi.plan.ID]; u != nil && u != l && u.live() {
			continue
		}
		if l.hasStart && pi.hasO && geo.DistanceKm(l.start, pi.origin) > t.cfg.PlanOriginKm {
			continue
		}
		dt := time.Duration(0)
		if !pi.plan.Departure.IsZero() {
			dt = when.Sub(pi.plan.Departure)
			if dt < 0 {
				dt = -dt
			}
			if dt > t.cfg.PlanWindow {
				continue
			}
		}
		if dt < bestDt {
			best, bestDt = pi, dt
		}
	}
	if best == nil {
		return
	}
	t.notePlan(s, best.plan.ID)
	t.planUse[best.plan.ID] = l
	if !l.leg.Departed.IsZero() {
		t.planDep[best.plan.ID] = true
	}
	l.plan = best
	l.leg.Plan = best.plan.ID
	l.leg.PlannedDestination = best.plan.Destination
	if l.leg.Origin == "" && !l.hasStart {
		l.leg.Origin = best.plan.Origin
	}
	l.changed = true
}

// alertID derives a stable, URL-safe id from an alert key (FNV-1a, 64
// bits, in hex), the same in every process.
func alertID(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return fmt.Sprintf("%016x", h.Sum64())
}
