package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/track"
)

// Tracker is the part of track.Tracker the pipeline drives.
type Tracker interface {
	Observe(o flight.Observation) track.Result
	Tick(now time.Time) []track.Result
	SetPlans(plans []flight.Plan)
}

var _ Tracker = (*track.Tracker)(nil)

// Options configures a Pipeline. Zero fields take the defaults noted.
type Options struct {
	// Instance names this process on the bus (Event.Source).
	Instance string
	// StaleAfter removes aircraft not heard from for this long. Default 10m.
	StaleAfter time.Duration
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
		opt.StaleAfter = 10 * time.Minute
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
			Help: "Observations through the tracker, by outcome (stored, or the reason dropped).",
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

// Ingest tracks, stores and publishes a batch of valid observations. It
// returns an error wrapping store.ErrUnavailable when the store could not
// take them; nothing is published then.
func (p *Pipeline) Ingest(ctx context.Context, obs []flight.Observation) error {
	if len(obs) == 0 {
		return nil
	}
	var (
		latest = make(map[string]int, len(obs)) // hex → index in aircraft
		ac     = make([]flight.Aircraft, 0, len(obs))
		trail  = make([]flight.TrackPoint, 0, len(obs))
		legs   []flight.Leg
		alerts []flight.Alert
		lines  = newLegLines() // the legs' own lines (legline.go)
	)
	defer lines.release()
	for i := range obs {
		var r track.Result
		if p.tr == nil {
			r = track.Result{Accepted: true, Trail: true, Aircraft: flight.Aircraft{Observation: obs[i]}}
		} else {
			r = p.tr.Observe(obs[i])
		}
		if !r.Accepted {
			p.m.observations.WithLabelValues(reasonLabel(r.Reason)).Inc()
			continue
		}
		if j, ok := latest[r.Aircraft.Hex]; ok {
			ac[j] = r.Aircraft
		} else {
			latest[r.Aircraft.Hex] = len(ac)
			ac = append(ac, r.Aircraft)
		}
		if r.Trail {
			trail = append(trail, r.Aircraft.Point())
		}
		legs = append(legs, r.Legs...)
		alerts = append(alerts, r.Alerts...)
		lines.add(&r, &obs[i])
	}
	p.m.observations.WithLabelValues("stored").Add(float64(len(ac)))
	if err := p.store(ctx, ac, trail); err != nil {
		return err
	}
	if err := p.persist(ctx, legs, alerts); err != nil {
		return err
	}
	if err := p.appendLegLines(ctx, lines); err != nil {
		return err
	}
	if len(ac) > 0 {
		p.publish(ctx, store.Event{Kind: store.EventAircraft, Aircraft: ac})
	}
	return nil
}

// trackPutter is a store that writes aircraft and their track points in
// one go (the Redis store: one round trip instead of several).
type trackPutter interface {
	PutWithTrack(ctx context.Context, ac []flight.Aircraft, points []flight.TrackPoint) error
}

// store writes the aircraft states and track points of a batch.
func (p *Pipeline) store(ctx context.Context, ac []flight.Aircraft, trail []flight.TrackPoint) error {
	if tp, ok := p.st.(trackPutter); ok {
		if len(ac) == 0 && len(trail) == 0 {
			return nil
		}
		if err := tp.PutWithTrack(ctx, ac, trail); err != nil {
			return fmt.Errorf("ingest: store aircraft and track: %w", err)
		}
		return nil
	}
	if len(ac) > 0 {
		if err := p.st.PutAircraft(ctx, ac); err != nil {
			return fmt.Errorf("ingest: store aircraft: %w", err)
		}
	}
	if len(trail) > 0 {
		if err := p.st.AppendTrack(ctx, trail); err != nil {
			return fmt.Errorf("ingest: store track: %w", err)
		}
	}
	return nil
}

// persist stores legs (the last version of each) and alerts, publishing the
// alerts that are new.
func (p *Pipeline) persist(ctx context.Context, legs []flight.Leg, alerts []flight.Alert) error {
	if err := p.putLegs(ctx, legs); err != nil {
		return err
	}
	for i := range alerts {
		a := alerts[i]
		added, err := p.st.AddAlert(ctx, &a)
		if err != nil {
			return fmt.Errorf("ingest: store alert %s: %w", a.Key, err)
		}
		if !added {
			continue
		}
		p.m.alerts.WithLabelValues(string(a.Type)).Inc()
		p.log.Info("alert", "type", a.Type, "hex", a.Hex, "callsign", a.Callsign, "message", a.Message)
		p.publish(ctx, store.Event{Kind: store.EventAlert, Alert: &a})
	}
	return nil
}

// legsPutter is a store that writes several legs in one go (the Redis
// store: one round trip for the batch instead of one per leg).
type legsPutter interface {
	PutLegs(ctx context.Context, legs []flight.Leg) error
}

// putLegs stores the last version of each leg in legs.
func (p *Pipeline) putLegs(ctx context.Context, legs []flight.Leg) error {
	if len(legs) == 0 {
		return nil
	}
	last := make(map[string]int, len(legs))
	for i, l := range legs {
		last[l.ID] = i
	}
	keep := legs[:0:0]
	for i, l := range legs {
		if last[l.ID] == i {
			keep = append(keep, l)
		}
	}
	if lp, ok := p.st.(legsPutter); ok {
		if err := lp.PutLegs(ctx, keep); err != nil {
			return fmt.Errorf("ingest: store %d legs: %w", len(keep), err)
		}
		return nil
	}
	for _, l := range keep {
		if err := p.st.PutLeg(ctx, l); err != nil {
			return fmt.Errorf("ingest: store leg %s: %w", l.ID, err)
		}
	}
	return nil
}

// IngestReports stores reports and publishes them when any was new.
func (p *Pipeline) IngestReports(ctx context.Context, reps []flight.Report) (int, error) {
	if len(reps) == 0 {
		return 0, nil
	}
	added, err := p.st.AddReports(ctx, reps)
	if err != nil {
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
	var events <-chan store.Event
	var err error
	if ks, ok := p.bus.(kindSubscriber); ok {
		events, err = ks.SubscribeKinds(ctx, store.EventPlans)
	} else {
		events, err = p.bus.Subscribe(ctx)
	}
	if err != nil {
		return fmt.Errorf("ingest: subscribe: %w", err)
	}
	if err := p.ReloadPlans(ctx); err != nil {
		p.log.Warn("load plans", "err", err)
	}
	tick := time.NewTicker(p.opt.Tick)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-events:
			if !ok {
				return nil
			}
			if e.Kind == store.EventPlans || e.Kind == store.EventLost {
				if err := p.ReloadPlans(ctx); err != nil {
					p.log.Warn("reload plans", "err", err)
				}
			}
		case <-tick.C:
			p.tick(ctx)
		}
	}
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

func (p *Pipeline) tick(ctx context.Context) {
	now := p.opt.Now()
	if p.tr != nil {
		var legs []flight.Leg
		var alerts []flight.Alert
		for _, r := range p.tr.Tick(now) {
			legs = append(legs, r.Legs...)
			alerts = append(alerts, r.Alerts...)
		}
		if err := p.persist(ctx, legs, alerts); err != nil {
			p.log.Warn("tick", "err", err)
		}
	}
	gone, err := p.st.RemoveAircraft(ctx, now.Add(-p.opt.StaleAfter))
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
