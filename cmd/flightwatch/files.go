package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/track"
	"github.com/flightwatch/flightwatch/track/geofence"
	"github.com/flightwatch/flightwatch/track/plans"
	"github.com/flightwatch/flightwatch/track/routes"
	"github.com/flightwatch/flightwatch/track/watch"
)

// files are the files the configuration names: watchlists, the callsign
// route table and plan files, resolved against the configuration file's
// folder. SIGHUP reads them again into the running tracker and store (a
// file that fails to load keeps what was loaded before).
type files struct {
	cfg   configs.Config
	base  string
	idx   indexes
	extra *watch.List // merged into the configured watchlists (the demo's); nil: none
	log   *slog.Logger

	tr  *track.Tracker // set by newTracker
	st  store.Store    // set by newApp, for plans
	bus store.Bus

	routesLoaded, routesBad prometheus.Gauge
}

func newFiles(cfg configs.Config, base string, idx indexes, extra *watch.List, log *slog.Logger, reg prometheus.Registerer) *files {
	f := &files{cfg: cfg, base: base, idx: idx, extra: extra, log: log,
		routesLoaded: prometheus.NewGauge(prometheus.GaugeOpts{Name: "flightwatch_routes_loaded",
			Help: "Callsign routes loaded from tracker.routes_file."}),
		routesBad: prometheus.NewGauge(prometheus.GaugeOpts{Name: "flightwatch_routes_bad_rows",
			Help: "Rows of tracker.routes_file skipped as bad at the last load."}),
	}
	reg.MustRegister(f.routesLoaded, f.routesBad)
	return f
}

// newTracker builds the tracker of cfg on the files' watchlists and route
// table, with its geofences, and attaches it to f for reloads.
func newTracker(cfg configs.Config, f *files) (*track.Tracker, error) {
	wl, err := f.watchlist()
	if err != nil {
		return nil, err
	}
	rt, err := f.routes()
	if err != nil {
		return nil, err
	}
	fences, err := geofence.Build(cfg.Geofences, f.idx.countries)
	if err != nil {
		return nil, err
	}
	f.tr = track.New(cfg.Tracker.Config, track.Deps{
		Airports: f.idx.airports, Countries: f.idx.countries, Watchlist: wl, Routes: rt, Geofences: fences,
	})
	return f.tr, nil
}

func (f *files) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(f.base, p)
}

// watchlist loads the configured watchlists, with f.extra merged in.
func (f *files) watchlist() (*watch.List, error) {
	var all *watch.List
	for _, p := range f.cfg.Watchlists {
		w, err := readWith(f.path(p), func(r io.Reader) (*watch.List, error) {
			if strings.EqualFold(filepath.Ext(p), ".csv") {
				return watch.LoadPlaneAlertCSV(r)
			}
			return watch.Load(r)
		})
		if err != nil {
			return nil, fmt.Errorf("watchlist %s: %w", p, err)
		}
		all = all.Merge(w)
	}
	return all.Merge(f.extra), nil
}

// routes loads tracker.routes_file (nil, nil when none is configured),
// logging and counting its bad rows.
func (f *files) routes() (*routes.Table, error) {
	if f.cfg.Tracker.RoutesFile == "" {
		return nil, nil
	}
	path := f.path(f.cfg.Tracker.RoutesFile)
	type loaded struct {
		r  *routes.Table
		st routes.Stats
	}
	l, err := readWith(path, func(r io.Reader) (loaded, error) {
		rt, st, err := routes.Load(r, f.idx.airports)
		return loaded{rt, st}, err
	})
	if err != nil {
		return nil, fmt.Errorf("tracker.routes_file %s: %w", path, err)
	}
	f.routesLoaded.Set(float64(l.st.Loaded))
	f.routesBad.Set(float64(l.st.Bad))
	if l.st.Bad > 0 {
		f.log.Warn("routes file has bad rows, skipped", "path", path, "rows", l.st.Rows, "bad", l.st.Bad, "first", l.st.Errors)
	}
	f.log.Info("routes loaded", "path", path, "routes", l.st.Loaded)
	return l.r, nil
}

// plans reads every plan file, each plan checked against the airports.
func (f *files) plans() ([]flight.Plan, error) {
	var all []flight.Plan
	for _, p := range f.cfg.Plans {
		ps, err := readWith(f.path(p), func(r io.Reader) ([]flight.Plan, error) { return plans.Load(r, f.idx.airports) })
		if err != nil {
			return nil, fmt.Errorf("plans %s: %w", p, err)
		}
		all = append(all, ps...)
	}
	return all, nil
}

// putPlans stores the plan files' plans, replacing plans of the same id;
// it returns how many it stored.
func (f *files) putPlans(ctx context.Context) (int, error) {
	ps, err := f.plans()
	if err != nil {
		return 0, err
	}
	for _, p := range ps {
		if err := f.st.PutPlan(ctx, p); err != nil {
			return 0, fmt.Errorf("plan %s: %w", p.ID, err)
		}
	}
	return len(ps), nil
}

// reload reads the watchlists, the route table and the plan files again.
func (f *files) reload(ctx context.Context) {
	if wl, err := f.watchlist(); err != nil {
		f.log.Error("watchlist reload failed, keeping the old one", "err", err)
	} else {
		f.tr.SetWatchlist(wl)
		f.log.Info("watchlist reloaded", "entries", wl.Len())
	}
	if r, err := f.routes(); err != nil {
		f.log.Error("routes reload failed, keeping the old table", "err", err)
	} else {
		f.tr.SetRoutes(r)
	}
	if f.st == nil {
		return
	}
	n, err := f.putPlans(ctx)
	if err != nil {
		f.log.Error("plans reload failed, keeping the stored plans", "err", err)
		return
	}
	if n > 0 {
		// Every instance's tracker reads the plans again.
		if err := f.bus.Publish(ctx, store.Event{Kind: store.EventPlans}); err != nil {
			f.log.Warn("publish plans change", "err", err)
		}
		f.log.Info("plans reloaded", "plans", n)
	}
}

// onHangup reloads on every SIGHUP until ctx is done.
func (f *files) onHangup(ctx context.Context) error {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	defer signal.Stop(ch)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ch:
			f.log.Info("SIGHUP: reloading watchlists, routes and plans")
			f.reload(ctx)
		}
	}
}

func readWith[T any](path string, parse func(io.Reader) (T, error)) (T, error) {
	r, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer r.Close()
	return parse(r)
}

// seedTracker rebuilds the tracker's airframe histories and live legs
// from the legs stored in the last tracker.history_window; a store that
// cannot answer leaves the tracker empty (it learns again as it goes).
func seedTracker(ctx context.Context, st store.Store, tr *track.Tracker, cfg configs.Config, log *slog.Logger) {
	legs, err := st.Legs(ctx, store.LegQuery{Since: time.Now().Add(-cfg.Tracker.History())})
	if err != nil {
		log.Warn("reading stored legs for the tracker failed; predictions start without history", "err", err)
		return
	}
	tr.Seed(legs)
	log.Info("tracker seeded from stored legs", "legs", len(legs))
}
