package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/feeds/replay"
	"github.com/flightwatch/flightwatch/feeds/reports"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/track/plans"
	"github.com/flightwatch/flightwatch/track/watch"
)

// Speed is how much faster than real time the scenario plays: a three-hour
// flight takes three minutes.
const Speed = configs.DemoSpeed

// Start is the scenario's own start time: the first record of
// flights.ndjson. Plan departures are written against it.
var Start = time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)

// Pause is the wait between the end of one pass and the next.
const Pause = 20 * time.Second

// Sink takes the replayed observations.
type Sink interface {
	Ingest(ctx context.Context, obs []flight.Observation) error
	IngestReports(ctx context.Context, reps []flight.Report) (int, error)
}

// Deps are what the demo drives and reads.
type Deps struct {
	Store store.Store
	Bus   store.Bus
	Sink  Sink
	// Airports checks the plans (flight.Plan.Normalize); required.
	Airports flight.AirportIndex
	// Places resolves the reports' places; required.
	Places reports.Resolver
	Logger *slog.Logger
	// Passes bounds the number of passes; 0 loops until ctx is done.
	Passes int
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// OnPass, when set, is told when each pass begins.
	OnPass func(pass int, start time.Time)
}

// Watchlist returns the demo's watchlist.
func Watchlist() (*watch.List, error) {
	f, err := configs.Demo().Open("watchlist.yaml")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return watch.Load(f)
}

// Plans returns the demo's flight plans with departures in scenario time,
// checked against airports.
func Plans(airports flight.AirportIndex) ([]flight.Plan, error) {
	f, err := configs.Demo().Open("flights.yaml")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return plans.Load(f, airports)
}

// Rebase maps a scenario time to the wall clock for a pass that began at
// passStart.
func Rebase(t, passStart time.Time) time.Time {
	return passStart.Add(time.Duration(float64(t.Sub(Start)) / Speed))
}

// Run loads the reports once, then plays passes of the scenario until ctx
// is done (or Passes are played): each pass posts the plans re-timed to
// start now, replays the tracks, and waits Pause.
func Run(ctx context.Context, d Deps) error {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	log := d.Logger.With("component", "demo")
	if err := loadReports(ctx, d); err != nil {
		return err
	}
	pl, err := Plans(d.Airports)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	var previous []string
	for pass := 1; d.Passes == 0 || pass <= d.Passes; pass++ {
		start := d.Now()
		ids, err := postPlans(ctx, d, pl, pass, start, previous)
		if err != nil {
			return err
		}
		previous = ids
		log.Info("demo pass", "pass", pass)
		if d.OnPass != nil {
			d.OnPass(pass, start)
		}
		feed := replay.New(replay.Config{
			Path:  "flights.ndjson",
			Open:  func(p string) (io.ReadCloser, error) { return configs.Demo().Open(p) },
			Speed: Speed, Source: "demo", Logger: log,
		})
		if err := feed.Run(ctx, d.Sink); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(Pause):
		}
	}
	return nil
}

// postPlans stores the plans of one pass, re-timed to start, under ids
// suffixed by the pass number after the first, and deletes the previous
// pass's plans. Each pass is a new set of flights, with alerts of its own.
func postPlans(ctx context.Context, d Deps, plans []flight.Plan, pass int, start time.Time, previous []string) ([]string, error) {
	ids := make([]string, 0, len(plans))
	for _, p := range plans {
		if pass > 1 {
			p.ID = fmt.Sprintf("%s-%d", p.ID, pass)
		}
		if !p.Departure.IsZero() {
			p.Departure = Rebase(p.Departure, start)
		}
		if err := p.Normalize(d.Airports); err != nil {
			return nil, fmt.Errorf("demo: %w", err)
		}
		if err := d.Store.PutPlan(ctx, p); err != nil {
			return nil, fmt.Errorf("demo: plan %s: %w", p.ID, err)
		}
		ids = append(ids, p.ID)
	}
	for _, id := range previous {
		if err := d.Store.DeletePlan(ctx, id); err != nil && err != store.ErrNotFound {
			return nil, fmt.Errorf("demo: delete plan %s: %w", id, err)
		}
	}
	if err := d.Bus.Publish(ctx, store.Event{Kind: store.EventPlans}); err != nil {
		return nil, fmt.Errorf("demo: publish plans: %w", err)
	}
	return ids, nil
}

// loadReports posts the reported arrest figures once; re-posting them on
// a restart counts nothing twice.
func loadReports(ctx context.Context, d Deps) error {
	f, err := configs.Demo().Open("reports.csv")
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer f.Close()
	reps, bad, err := reports.Parse(f, reports.CSV, d.Places, d.Now())
	if err != nil {
		return fmt.Errorf("demo: reports: %w", err)
	}
	if len(bad) > 0 {
		return fmt.Errorf("demo: reports.csv line %d: %s", bad[0].Line, bad[0].Error)
	}
	if _, err := d.Sink.IngestReports(ctx, reps); err != nil {
		return fmt.Errorf("demo: reports: %w", err)
	}
	return nil
}
