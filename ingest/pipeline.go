package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/track"
)

// Tracker is the part of track.Tracker the pipeline drives.
type Tracker interface {
	Begin() *track.Txn
	Tick(now time.Time) []track.Result
	SetPlans(plans []flight.Plan)
}

var _ Tracker = (*track.Tracker)(nil)

// Options configures a Pipeline. Zero fields take the defaults noted.
type Options struct {
	// Instance names this process on the bus (Event.Source).
	Instance string
	// StaleAfter is how old (by the clock) an aircraft's last fix may be
	// for it to be live: older fixes go into the history only, and
	// aircraft silent for longer leave the live state. Default 60s.
	StaleAfter time.Duration
	// WriteTimeout bounds every store call of an ingest; past it the
	// store counts as unavailable. Default 2s.
	WriteTimeout time.Duration
	// AlertsFromLog leaves publishing alerts to a relay reading the
	// store's alert log (see notify.Relay); otherwise the pipeline
	// publishes the alerts it stored first.
	AlertsFromLog bool
	// Tick is how often Run checks the clock. Default 5s.
	Tick time.Duration
	// Now is the clock. Default time.Now.
	Now      func() time.Time
	Logger   *slog.Logger
	Registry prometheus.Registerer
}

// Pipeline takes observations and reports to the store and the bus.
type Pipeline struct {
	st  store.Store
	bus store.Bus
	tr  Tracker
	opt Options
	log *slog.Logger
	m   metrics

	tickMu  sync.Mutex
	pending store.Batch // clock-driven legs and alerts not stored yet
	// heldNotDep are not_departed alerts waiting for the store to say
	// whether another instance saw the plan take off (owner.go).
	heldNotDep []flight.Alert
}

type metrics struct {
	observations *prometheus.CounterVec
	alerts       *prometheus.CounterVec
	reports      prometheus.Counter
}

// New returns a pipeline writing to st and publishing on bus. tr may be
// nil: observations are then stored without legs or alerts.
func New(st store.Store, bus store.Bus, tr Tracker, opt Options) *Pipeline {
	if opt.StaleAfter <= 0 {
		opt.StaleAfter = 60 * time.Second
	}
	if opt.WriteTimeout <= 0 {
		opt.WriteTimeout = 2 * time.Second
	}
	if opt.Tick <= 0 {
		opt.Tick = 5 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	p := &Pipeline{st: st, bus: bus, tr: tr, opt: opt, log: opt.Logger.With("component", "ingest")}
	p.m = metrics{
		observations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "flightwatch_pipeline_observations_total",
			Help: "Observations through the tracker, by outcome (stored, late, or the reason ignored).",
		}, []string{"outcome"}),
		alerts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "flightwatch_alerts_total",
			Help: "Alerts raised, by type.",
		}, []string{"type"}),
		reports: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "flightwatch_reports_added_total",
			Help: "Enforcement reports stored for the first time.",
		}),
	}
	if opt.Registry != nil {
		opt.Registry.MustRegister(p.m.observations, p.m.alerts, p.m.reports)
	}
	return p
}

// Outcome is what became of a batch's observations.
type Outcome struct {
	// Stored counts the observations now stored, exact repeats of stored
	// ones and late fixes (kept in the history) included.
	Stored int
	// Ignored lists the valid observations not stored, with the reason.
	Ignored []Ignored
}

// Ignored is an observation not stored.
type Ignored struct {
	Index  int    // position in the batch
	Reason string // e.g. "position jump of 4100 kt"
}

// Ingest is IngestBatch without the outcome, for feeds.
func (p *Pipeline) Ingest(ctx context.Context, obs []flight.Observation) error {
	_, err := p.IngestBatch(ctx, obs)
	return err
}

// IngestBatch tracks and stores a batch of valid observations, then
// publishes it. The tracker's view of the batch is provisional until the
// store took the whole batch (aircraft states, track points, legs and
// alerts in one write); when the store fails, the tracker is put back as
// it was, so a retry of the batch stores and raises the same again. The
// error wraps store.ErrUnavailable when the store could not take the
// batch within WriteTimeout; nothing is published then.
//
// A fix older than its aircraft's last one is late data: it goes into the
// history without moving the live position. A fix older than StaleAfter
// by the clock goes through the tracker (legs and alerts run on
// observation time) but is not shown as live.
func (p *Pipeline) IngestBatch(ctx context.Context, obs []flight.Observation) (Outcome, error) {
	var out Outcome
	if len(obs) == 0 {
		return out, nil
	}
	var tx *track.Txn
	if p.tr != nil {
		tx = p.tr.Begin()
	}
	var (
		latest = make(map[string]int, len(obs)) // hex → index in ac
		ac     = make([]flight.Aircraft, 0, len(obs))
		trail  = make([]flight.TrackPoint, 0, len(obs))
		legs   []flight.Leg
		alerts []flight.Alert
		lines  = newLegLines() // the legs' own lines (legline.go)
		late   int
	)
	defer lines.release()
	liveFrom := p.opt.Now().Add(-p.opt.StaleAfter)
	for i := range obs {
		var r track.Result
		if tx == nil {
			r = track.Result{Accepted: true, Trail: true, Aircraft: flight.Aircraft{Observation: obs[i]}}
		} else {
			r = tx.Observe(obs[i])
		}
		if !r.Accepted {
			if r.Aircraft.Hex != "" && obs[i].Time.Before(r.Aircraft.Time) {
				lf := flight.Aircraft{Observation: obs[i]}
				trail = append(trail, lf.Point())
				late++
				out.Stored++
				continue
			}
			reason := r.Reason
			if reason == "" {
				reason = "dropped by the tracker"
			}
			out.Ignored = append(out.Ignored, Ignored{Index: i, Reason: reason})
			p.m.observations.WithLabelValues(reasonLabel(reason)).Inc()
			continue
		}
		out.Stored++
		if !r.Aircraft.Time.Before(liveFrom) {
			if j, ok := latest[r.Aircraft.Hex]; ok {
				ac[j] = r.Aircraft
			} else {
				latest[r.Aircraft.Hex] = len(ac)
				ac = append(ac, r.Aircraft)
			}
		}
		if r.Trail {
			trail = append(trail, r.Aircraft.Point())
		}
		legs = append(legs, r.Legs...)
		alerts = append(alerts, r.Alerts...)
		lines.add(&r, &obs[i])
	}
	b := store.Batch{Aircraft: ac, Track: uniquePoints(trail), Legs: lastLegs(legs), Alerts: alerts, LegLines: lines.batch()}
	added, err := p.write(ctx, &b)
	if err != nil {
		if tx != nil {
			tx.Rollback()
		}
		return Outcome{}, err
	}
	if tx != nil {
		tx.Commit()
	}
	p.m.observations.WithLabelValues("stored").Add(float64(out.Stored - late))
	p.m.observations.WithLabelValues("late").Add(float64(late))
	p.raised(ctx, added)
	if len(ac) > 0 {
		p.publish(ctx, store.Event{Kind: store.EventAircraft, Aircraft: ac})
	}
	return out, nil
}

// write stores b within WriteTimeout.
func (p *Pipeline) write(ctx context.Context, b *store.Batch) ([]flight.Alert, error) {
	if b.Empty() {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, p.opt.WriteTimeout)
	defer cancel()
	added, err := p.st.Write(ctx, b)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded && !errors.Is(err, store.ErrUnavailable) {
			err = fmt.Errorf("%w: %w", store.ErrUnavailable, err)
		}
		return nil, fmt.Errorf("ingest: write: %w", err)
	}
	return added, nil
}

// raised counts, logs and (unless a relay does) publishes new alerts.
func (p *Pipeline) raised(ctx context.Context, added []flight.Alert) {
	for i := range added {
		a := added[i]
		p.m.alerts.WithLabelValues(string(a.Type)).Inc()
		p.log.Info("alert", "type", a.Type, "hex", a.Hex, "callsign", a.Callsign, "message", a.Message)
		if !p.opt.AlertsFromLog {
			p.publish(ctx, store.Event{Kind: store.EventAlert, Alert: &a})
		}
	}
}

// uniquePoints keeps the last point of each (hex, time).
func uniquePoints(pts []flight.TrackPoint) []flight.TrackPoint {
	type key struct {
		hex string
		t   int64
	}
	if len(pts) < 2 {
		return pts
	}
	last := make(map[key]int, len(pts))
	for i := range pts {
		last[key{pts[i].Hex, pts[i].Time.UnixMicro()}] = i
	}
	if len(last) == len(pts) {
		return pts
	}
	out := make([]flight.TrackPoint, 0, len(last))
	for i := range pts {
		if last[key{pts[i].Hex, pts[i].Time.UnixMicro()}] == i {
			out = append(out, pts[i])
		}
	}
	return out
}

// lastLegs keeps the last version of each leg.
func lastLegs(legs []flight.Leg) []flight.Leg {
	if len(legs) == 0 {
		return nil
	}
	last := make(map[string]int, len(legs))
	for i, l := range legs {
		last[l.ID] = i
	}
	keep := make([]flight.Leg, 0, len(last))
	for i, l := range legs {
		if last[l.ID] == i {
			keep = append(keep, l)
		}
	}
	return keep
}

// IngestReports stores reports and publishes them when any was new.
func (p *Pipeline) IngestReports(ctx context.Context, reps []flight.Report) (int, error) {
	if len(reps) == 0 {
		return 0, nil
	}
	wctx, cancel := context.WithTimeout(ctx, p.opt.WriteTimeout)
	defer cancel()
	added, err := p.st.AddReports(wctx, reps)
	if err != nil {
		if wctx.Err() == context.DeadlineExceeded && !errors.Is(err, store.ErrUnavailable) {
			err = fmt.Errorf("%w: %w", store.ErrUnavailable, err)
		}
		return 0, fmt.Errorf("ingest: store reports: %w", err)
	}
	p.m.reports.Add(float64(added))
	if added > 0 {
		p.publish(ctx, store.Event{Kind: store.EventReports, Reports: reps})
	}
	return added, nil
}

// publish sends e on the bus; a failure is logged, not returned, because
// the data is stored and readers will see it on their next query.
func (p *Pipeline) publish(ctx context.Context, e store.Event) {
	e.Source = p.opt.Instance
	if err := p.bus.Publish(ctx, e); err != nil {
		p.log.Warn("publish", "kind", e.Kind, "err", err)
	}
}

// Run drives the clock-based work until ctx is done: the tracker's tick
// (plans not departed, aircraft gone silent), removing aircraft not heard
// from for StaleAfter, and reloading plans when the bus says they changed.
func (p *Pipeline) Run(ctx context.Context) error {
	events := p.subscribe(ctx)
	if err := p.ReloadPlans(ctx); err != nil {
		p.log.Warn("load plans", "err", err)
	}
	tick := time.NewTicker(p.opt.Tick)
	defer tick.Stop()
	retry := time.NewTicker(time.Second)
	defer retry.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-events:
			if !ok {
				if ctx.Err() != nil {
					return nil
				}
				events = nil // subscribe again on the next retry tick
				continue
			}
			if e.Kind == store.EventPlans || e.Kind == store.EventLost {
				if err := p.ReloadPlans(ctx); err != nil {
					p.log.Warn("reload plans", "err", err)
				}
			}
		case <-retry.C:
			if events == nil {
				if events = p.subscribe(ctx); events != nil {
					if err := p.ReloadPlans(ctx); err != nil {
						p.log.Warn("reload plans", "err", err)
					}
				}
			}
		case <-tick.C:
			p.tick(ctx)
		}
	}
}

// subscribe listens for plan changes; nil when the bus cannot be reached
// now (Run tries again every second).
func (p *Pipeline) subscribe(ctx context.Context) <-chan store.Event {
	var events <-chan store.Event
	var err error
	if ks, ok := p.bus.(kindSubscriber); ok {
		events, err = ks.SubscribeKinds(ctx, store.EventPlans)
	} else {
		events, err = p.bus.Subscribe(ctx)
	}
	if err != nil {
		if ctx.Err() == nil {
			p.log.Warn("subscribe to plan changes", "err", err)
		}
		return nil
	}
	return events
}

// kindSubscriber is a bus that can leave out the events a subscriber does
// not want (the Redis bus, which then skips decoding them). Run listens
// only for plan changes.
type kindSubscriber interface {
	SubscribeKinds(ctx context.Context, kinds ...store.EventKind) (<-chan store.Event, error)
}

// ReloadPlans hands the tracker the plans in the store.
func (p *Pipeline) ReloadPlans(ctx context.Context) error {
	if p.tr == nil {
		return nil
	}
	plans, err := p.st.Plans(ctx)
	if err != nil {
		return err
	}
	p.tr.SetPlans(plans)
	return nil
}

// tick runs the tracker's clock-driven detectors and stores what they
// raised; what the store could not take is kept and written with the next
// tick. Then it removes aircraft silent past StaleAfter from the live
// state.
func (p *Pipeline) tick(ctx context.Context) {
	now := p.opt.Now()
	if p.tr != nil {
		p.tickMu.Lock()
		for _, r := range p.tr.Tick(now) {
			p.pending.Legs = append(p.pending.Legs, r.Legs...)
			p.pending.Alerts = append(p.pending.Alerts, r.Alerts...)
		}
		p.pending.Alerts = p.departedElsewhere(ctx, p.pending.Alerts)
		p.pending.Legs = lastLegs(p.pending.Legs)
		b := p.pending
		added, err := p.write(ctx, &b)
		if err == nil {
			p.pending = store.Batch{}
		}
		p.tickMu.Unlock()
		if err != nil {
			p.log.Warn("tick", "err", err, "kept", len(b.Legs)+len(b.Alerts))
		} else {
			p.raised(ctx, added)
		}
	}
	rctx, cancel := context.WithTimeout(ctx, p.opt.WriteTimeout)
	defer cancel()
	gone, err := p.st.RemoveAircraft(rctx, now.Add(-p.opt.StaleAfter))
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			p.log.Warn("remove stale aircraft", "err", err)
		}
		return
	}
	if len(gone) > 0 {
		p.publish(ctx, store.Event{Kind: store.EventRemove, Removed: gone})
	}
}

func reasonLabel(reason string) string {
	if reason == "" {
		return "dropped"
	}
	// Keep the label set small: the reason's first word.
	for i := 0; i < len(reason); i++ {
		if reason[i] == ' ' || reason[i] == ':' {
			return reason[:i]
		}
	}
	return reason
}
