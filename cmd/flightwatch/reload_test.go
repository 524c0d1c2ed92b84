package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
)

// TestWatchlistReloadOnHangup edits the watchlist and the routes file of
// a running tracker and sends SIGHUP: the tracker watches the new entry
// and the route metrics count the new table, bad rows included.
func TestWatchlistReloadOnHangup(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("watchlist.yaml", "entries:\n  - name: first\n    hex: [ae0101]\n")
	write("routes.csv", "Callsign,Code,Number,AirlineCode,AirportCodes\nGXA1,G6,1,GXA,KBIF-MGGT\n")
	cfg := configs.Default()
	cfg.Watchlists = []string{"watchlist.yaml"}
	cfg.Plans = nil
	cfg.Tracker.RoutesFile = "routes.csv"
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg := prometheus.NewRegistry()
	wf := newFiles(cfg, dir, testIndexes(t), nil, log, reg)
	tr, err := newTracker(cfg, wf)
	if err != nil {
		t.Fatal(err)
	}
	if got := gauge(t, reg, "flightwatch_routes_loaded"); got != 1 {
		t.Fatalf("flightwatch_routes_loaded = %v, want 1", got)
	}

	at := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	watch := func(hex string) string {
		at = at.Add(time.Minute)
		return tr.Observe(flight.Observation{Hex: hex, Time: at, Lat: 31.8, Lon: -106.4}).Aircraft.Watch
	}
	if w := watch("ae0202"); w != "" {
		t.Fatalf("before reload ae0202 watched by %q, want none", w)
	}

	// Keep SIGHUP from ending the test process whatever happens below.
	guard := make(chan os.Signal, 1)
	signal.Notify(guard, syscall.SIGHUP)
	defer signal.Stop(guard)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- wf.onHangup(ctx) }()

	write("watchlist.yaml", "entries:\n  - name: second\n    hex: [ae0202]\n")
	write("routes.csv", "Callsign,Code,Number,AirlineCode,AirportCodes\nGXA1,G6,1,GXA,KBIF-MGGT\nGXA2,G6,2,GXA,KBIF-QQQQ\nGXA3,G6,3,GXA,AEX-SAL\n")
	deadline := time.Now().Add(10 * time.Second)
	for watch("ae0202") != "second" {
		if time.Now().After(deadline) {
			t.Fatal("watchlist not reloaded 10 s after SIGHUP")
		}
		_ = syscall.Kill(os.Getpid(), syscall.SIGHUP)
		time.Sleep(50 * time.Millisecond)
	}
	for gauge(t, reg, "flightwatch_routes_bad_rows") != 1 {
		if time.Now().After(deadline) {
			t.Fatal("routes not reloaded 10 s after SIGHUP")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := gauge(t, reg, "flightwatch_routes_loaded"); got != 2 {
		t.Errorf("flightwatch_routes_loaded = %v, want 2", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("onHangup() = %v", err)
	}

	// A watchlist that no longer parses keeps the old one.
	write("watchlist.yaml", "entries:\n  - name: broken\n    hex: [nothex]\n")
	wf.reload(context.Background())
	if w := watch("ae0202"); w != "second" {
		t.Errorf("after a bad reload ae0202 watched by %q, want the old entry", w)
	}
}

func gauge(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && len(mf.GetMetric()) == 1 {
			return mf.GetMetric()[0].GetGauge().GetValue()
		}
	}
	t.Fatalf("metric %s not registered", name)
	return 0
}

// TestPlansReload: the plan files load into the store at start and again
// on reload, through the one plan loader (IATA codes become idents); a
// file that no longer loads keeps the stored plans.
func TestPlansReload(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) {
		if err := os.WriteFile(filepath.Join(dir, "flights.yaml"), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("plans:\n  - {id: a, origin: KBIF, destination: MGGT}\n")
	cfg := configs.Default()
	cfg.Plans = []string{"flights.yaml"}
	wf := newFiles(cfg, dir, testIndexes(t), nil, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if _, err := newTracker(cfg, wf); err != nil {
		t.Fatal(err)
	}
	st, bus := memory.New(store.Config{}), memory.NewBus()
	wf.st, wf.bus = st, bus
	ctx := context.Background()
	events, err := bus.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := wf.putPlans(ctx); n != 1 || err != nil {
		t.Fatalf("putPlans() = %d, %v; want 1", n, err)
	}
	ids := func() string {
		ps, err := st.Plans(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range ps {
			out = append(out, p.ID+":"+p.Origin+"-"+p.Destination)
		}
		slices.Sort(out)
		return strings.Join(out, ",")
	}
	if got := ids(); got != "a:KBIF-MGGT" {
		t.Errorf("plans after start = %s", got)
	}
	write("plans:\n  - {id: a, origin: KBIF, destination: MGGT}\n  - {id: b, origin: elp, destination: gua}\n")
	wf.reload(ctx)
	if got := ids(); got != "a:KBIF-MGGT,b:KELP-MGGT" {
		t.Errorf("plans after reload = %s, want a and b with idents", got)
	}
	if e := <-events; e.Kind != store.EventPlans {
		t.Errorf("reload published %v, want a plans event", e.Kind)
	}
	write("plans:\n  - {id: c/d, origin: KBIF, destination: MGGT}\n")
	wf.reload(ctx)
	if got := ids(); got != "a:KBIF-MGGT,b:KELP-MGGT" {
		t.Errorf("plans after a bad reload = %s, want the old ones", got)
	}
}
