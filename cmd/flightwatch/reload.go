package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/demo"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/track"
)

// watchFiles is the part of the app that SIGHUP reloads: the watchlists
// and the callsign route table, read again from their files and swapped
// into the running tracker (a file that fails to load keeps the old one).
type watchFiles struct {
	cfg  configs.Config
	base string
	tr   *track.Tracker
	log  *slog.Logger

	routesLoaded, routesBad prometheus.Gauge
}

func newWatchFiles(cfg configs.Config, base string, tr *track.Tracker, log *slog.Logger, reg prometheus.Registerer) *watchFiles {
	w := &watchFiles{cfg: cfg, base: base, tr: tr, log: log,
		routesLoaded: prometheus.NewGauge(prometheus.GaugeOpts{Name: "flightwatch_routes_loaded",
			Help: "Callsign routes loaded from tracker.routes_file."}),
		routesBad: prometheus.NewGauge(prometheus.GaugeOpts{Name: "flightwatch_routes_bad_rows",
			Help: "Rows of tracker.routes_file skipped as bad at the last load."}),
	}
	reg.MustRegister(w.routesLoaded, w.routesBad)
	return w
}

// watchlist loads the configured watchlists, with the demo's merged in.
func (w *watchFiles) watchlist() (*track.Watchlist, error) {
	wl, err := loadWatchlists(w.cfg.Watchlists, w.base)
	if err != nil {
		return nil, err
	}
	if w.cfg.Demo {
		dw, err := demo.Watchlist()
		if err != nil {
			return nil, fmt.Errorf("demo watchlist: %w", err)
		}
		wl = wl.Merge(dw)
	}
	return wl, nil
}

// routes loads tracker.routes_file (nil, nil when none is configured),
// logging and counting its bad rows.
func (w *watchFiles) routes() (*track.Routes, error) {
	if w.cfg.Tracker.RoutesFile == "" {
		return nil, nil
	}
	path := resolve(w.base, w.cfg.Tracker.RoutesFile)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tracker.routes_file: %w", err)
	}
	defer f.Close()
	r, st, err := track.LoadRoutes(f, geo.Airports())
	if err != nil {
		return nil, fmt.Errorf("tracker.routes_file %s: %w", path, err)
	}
	w.routesLoaded.Set(float64(st.Loaded))
	w.routesBad.Set(float64(st.Bad))
	if st.Bad > 0 {
		w.log.Warn("routes file has bad rows, skipped", "path", path, "rows", st.Rows, "bad", st.Bad, "first", st.Errors)
	}
	w.log.Info("routes loaded", "path", path, "routes", st.Loaded)
	return r, nil
}

// reload reads the watchlists and the route table again into the tracker.
func (w *watchFiles) reload() {
	if wl, err := w.watchlist(); err != nil {
		w.log.Error("watchlist reload failed, keeping the old one", "err", err)
	} else {
		w.tr.SetWatchlist(wl)
		w.log.Info("watchlist reloaded", "entries", wl.Len())
	}
	if r, err := w.routes(); err != nil {
		w.log.Error("routes reload failed, keeping the old table", "err", err)
	} else {
		w.tr.SetRoutes(r)
	}
}

// onHangup reloads on every SIGHUP until ctx is done.
func (w *watchFiles) onHangup(ctx context.Context) error {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGHUP)
	defer signal.Stop(ch)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-ch:
			w.log.Info("SIGHUP: reloading watchlists and routes")
			w.reload()
		}
	}
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
