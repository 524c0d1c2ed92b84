package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/sync/errgroup"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/demo"
	"github.com/flightwatch/flightwatch/feeds"
	"github.com/flightwatch/flightwatch/feeds/reports"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/ingest"
	"github.com/flightwatch/flightwatch/notify"
	"github.com/flightwatch/flightwatch/retention"
	"github.com/flightwatch/flightwatch/server"
	"github.com/flightwatch/flightwatch/server/ogc"
	"github.com/flightwatch/flightwatch/static"
	"github.com/flightwatch/flightwatch/stats"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/redis/partition"
	"github.com/flightwatch/flightwatch/stream"
	"github.com/flightwatch/flightwatch/tiles"
	"github.com/flightwatch/flightwatch/track/watch"
)

func serve(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	path := flags.String("config", "", "configuration file (YAML); default: built-in defaults")
	pprofAddr := flags.String("pprof", "", "serve runtime profiles (/debug/pprof/) on this address, e.g. 127.0.0.1:6060; default: off")
	if err := flags.Parse(args); err != nil {
		return err
	}
	idx, err := loadIndexes()
	if err != nil {
		return err
	}
	cfg, err := configs.Load(*path, os.Getenv, idx.countries)
	if err != nil {
		return err
	}
	base := "."
	if *path != "" {
		base = filepath.Dir(*path)
	}
	log := newLogger(cfg.LogLevel)
	routeRedisLog(log)
	a, err := newApp(ctx, cfg, base, idx, log)
	if err != nil {
		return err
	}
	defer a.close()
	if *pprofAddr != "" {
		stop, err := servePprof(ctx, *pprofAddr, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	a.log.Info("flightwatch serving", "listen", ln.Addr().String(), "store", storeName(cfg), "demo", cfg.Demo, "feeds", len(cfg.Feeds))
	return a.run(ctx, ln)
}

// indexes are the embedded reference data, parsed once at startup and
// passed to every part that resolves airports, countries or places.
type indexes struct {
	airports  *geo.AirportIndex
	countries *geo.CountryIndex
	places    *geo.PlaceIndex
}

func loadIndexes() (indexes, error) {
	var idx indexes
	var err error
	if idx.airports, err = geo.EmbeddedAirports(); err != nil {
		return idx, fmt.Errorf("embedded airport list: %w", err)
	}
	if idx.countries, err = geo.EmbeddedCountries(); err != nil {
		return idx, fmt.Errorf("embedded country outlines: %w", err)
	}
	if idx.places, err = geo.EmbeddedPlaces(); err != nil {
		return idx, fmt.Errorf("embedded places: %w", err)
	}
	return idx, nil
}

// app is one flightwatch process, wired: store and bus, tracker and
// pipeline, feeds, the HTTP server, and the demo when configured.
type app struct {
	instance string
	cfg      configs.Config
	idx      indexes
	log      *slog.Logger
	st       store.Store
	bus      store.Bus
	pipe     *ingest.Pipeline
	// in takes every observation: the router with Redis, else the
	// pipeline itself.
	in     ingester
	leases *partition.Leases // nil without Redis: this process owns every aircraft
	router *partition.Router // nil without Redis
	fm     *feeds.Manager
	files  *files
	srv    *server.Server
	ret    *retention.Retainer // nil when the store keeps no history
	hooks  *notify.Notifier
	relay  *notify.Relay
	demo   *demo.Setup // nil without the demo
}

func newApp(ctx context.Context, cfg configs.Config, base string, idx indexes, log *slog.Logger) (*app, error) {
	instance := randomID()
	log = log.With("instance", instance)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	sc := serverConfig(cfg, instance)
	var dm *demo.Setup
	var extra *watch.List
	if cfg.Demo {
		var err error
		if dm, err = demo.Apply(&sc); err != nil {
			return nil, err
		}
		extra = dm.Watchlist
	}

	st, bus, out, err := openStore(ctx, cfg, stats.New(idx.airports, idx.countries), log)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, idx: idx, log: log, st: st, bus: bus, demo: dm, instance: instance}
	fail := func(err error) (*app, error) {
		a.close()
		return nil, err
	}
	a.files = newFiles(cfg, base, idx, extra, log, reg)
	a.files.st, a.files.bus = st, bus
	tr, err := newTracker(cfg, a.files)
	if err != nil {
		return fail(err)
	}
	seedTracker(ctx, st, tr, cfg, log)
	a.pipe = ingest.New(st, bus, tr, ingest.Options{
		Instance: instance, StaleAfter: cfg.Store.StaleAfter, WriteTimeout: cfg.Store.WriteTimeout,
		AlertsFromLog: true, Logger: log, Registry: reg,
	})
	a.in = a.pipe
	if c, ok := st.(closer); ok {
		// Instances sharing the Redis divide the aircraft: each
		// partition's owner alone tracks and judges its aircraft.
		if a.leases, err = partition.NewLeases(c.client, cfg.Redis.Prefix, partition.LeaseConfig{
			Instance: instance, TTL: cfg.Cluster.Lease, Logger: log}); err != nil {
			return fail(err)
		}
		tr.SetOwner(a.leases.OwnsKey)
		a.router = partition.NewRouter(c.client, cfg.Redis.Prefix, a.leases, a.pipe, tr, st, partition.RouterConfig{
			MaxStream: cfg.Cluster.StreamLen, WriteTimeout: cfg.Store.WriteTimeout, Logger: log, Registry: reg})
		a.in = a.router
	}
	if h, ok := st.(store.History); ok {
		var pol store.Retention
		pol.Tracks, pol.Legs, pol.Alerts, pol.Reports = cfg.Store.Retention.Policy()
		a.ret = retention.New(h, pol, retention.Options{Every: cfg.Store.Retention.Every, Logger: log, Registry: reg})
	}
	// Alerts reach the bus (and so every instance's websocket hub) and the
	// webhooks from the store's alert log, at least once.
	a.relay = notify.NewRelay(out, bus, instance, cfg.Store.Takeover, log)
	a.hooks, err = notify.New(out, webhooks(cfg), notify.Options{Consumer: instance, Encode: server.AlertFeature,
		Takeover: cfg.Store.Takeover, Logger: log, Registry: reg})
	if err != nil {
		return fail(err)
	}
	if err := a.relay.Prepare(ctx); err != nil {
		return fail(fmt.Errorf("alert relay: %w", err))
	}
	if err := a.hooks.Prepare(ctx); err != nil {
		return fail(err)
	}
	if _, err := a.files.putPlans(ctx); err != nil {
		return fail(err)
	}
	a.fm, err = feeds.New(cfg.Feeds, a.in, feeds.Options{
		Logger: log, Registry: reg,
		Reports: func(fc feeds.Config) (feeds.Runner, error) {
			return reports.NewFeed(reports.FeedConfig{Name: fc.Name, URL: fc.URL, Path: fc.Path,
				Interval: time.Duration(fc.Interval)}, a.pipe,
				reports.WithLogger(log), reports.WithResolver(idx.places))
		},
	})
	if err != nil {
		return fail(err)
	}
	og := ogc.New(ogc.Config{MinCellCount: cfg.Privacy.MinCellCount, PublicRawReports: cfg.Privacy.PublicRawReports,
		CellRes: cellRes(cfg), Logger: log},
		ogc.Deps{Store: st, Authorize: server.Authorizer(sc.Tokens), Airports: idx.airports, Countries: idx.countries})
	a.srv, err = server.New(sc, server.Deps{
		Store: st, Bus: bus, Ingest: a.in, Static: static.FS(),
		Cluster:    a.clusterStatus,
		OGC:        og,
		FeedStatus: func() any { return a.fm.Status() },
		Resolver:   idx.places, Logger: log, Registry: reg,
		Deliveries: a.hooks,
		Airports:   idx.airports,
		Basemap:    &server.Basemap{Tiles: tiles.New(tiles.Config{Logger: log, Airports: idx.airports}), View: server.MapView(cfg.Map.View(cfg.Feeds))},
	})
	if err != nil {
		return fail(err)
	}
	return a, nil
}

// run serves on ln until ctx is done or a part fails.
func (a *app) run(ctx context.Context, ln net.Listener) error {
	if a.leases != nil {
		// Take a share before serving: alone, this instance then owns
		// everything from its first request on.
		if err := a.leases.Step(ctx, a.router); err != nil {
			a.log.Warn("partition leases", "err", err)
		}
	}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return a.srv.Serve(ctx, ln) })
	g.Go(func() error { return a.pipe.Run(ctx) })
	if a.leases != nil {
		g.Go(func() error { return a.leases.Run(ctx, a.router) })
		g.Go(func() error { return a.router.Run(ctx) })
	}
	g.Go(func() error { return a.fm.Run(ctx) })
	g.Go(func() error { return a.files.onHangup(ctx) })
	if a.ret != nil {
		g.Go(func() error { return a.ret.Run(ctx) })
	}
	g.Go(func() error { return a.relay.Run(ctx) })
	g.Go(func() error { return a.hooks.Run(ctx) })
	if a.demo != nil {
		g.Go(func() error {
			return a.demo.Run(ctx, demo.Deps{Store: a.st, Bus: a.bus, Sink: a.in, Logger: a.log,
				Airports: a.idx.airports, Places: a.idx.places})
		})
	}
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// ingester takes observations and reports (ingest.Pipeline, or the
// partition router in front of it).
type ingester interface {
	Ingest(ctx context.Context, obs []flight.Observation) error
	IngestBatch(ctx context.Context, obs []flight.Observation) (ingest.Outcome, error)
	IngestReports(ctx context.Context, reps []flight.Report) (int, error)
}

// clusterStatus is /api/v1/cluster: the partitions this instance owns.
func (a *app) clusterStatus() any {
	st := struct {
		Instance   string `json:"instance"`
		Partitions int    `json:"partitions"`
		Live       int    `json:"live"`
		Owned      []int  `json:"owned"`
	}{Instance: a.instance, Partitions: partition.Count, Live: 1}
	if a.leases == nil {
		for p := range partition.Count {
			st.Owned = append(st.Owned, p)
		}
		return st
	}
	st.Live, st.Owned = a.leases.Live(), a.leases.Owned()
	if st.Owned == nil {
		st.Owned = []int{}
	}
	return st
}

func (a *app) close() {
	if a.st != nil {
		a.st.Close()
	}
}

// cellRes is the resolution the OGC report-cells collection uses by
// default: the middle of the aggregated ones.
func cellRes(cfg configs.Config) int {
	r := store.Config{ReportRes: cfg.Store.ReportRes}.WithDefaults().ReportRes
	return r[len(r)/2]
}

func storeName(cfg configs.Config) string {
	if cfg.Redis.URL == "" {
		return "memory"
	}
	return "redis"
}

func serverConfig(cfg configs.Config, instance string) server.Config {
	sc := server.Config{
		Listen: cfg.Listen, MaxBodyBytes: cfg.HTTP.MaxBodyBytes,
		Stream: stream.Config{QueueBytes: cfg.Websocket.QueueBytes, Batch: cfg.Websocket.Batch, History: cfg.Websocket.History,
			HistoryBytes: cfg.Websocket.HistoryBytes, Compression: cfg.Websocket.Compression, AllowedOrigins: cfg.HTTP.AllowedOrigins},
		CellRes:      store.Config{ReportRes: cfg.Store.ReportRes}.WithDefaults().ReportRes,
		MinCellCount: cfg.Privacy.MinCellCount, PublicRawReports: cfg.Privacy.PublicRawReports,
		InstanceID: instance, Banner: cfg.HTTP.Banner,
	}
	for _, t := range cfg.HTTP.Tokens {
		sc.Tokens = append(sc.Tokens, server.Token{Value: t.Token, Scopes: t.Scopes})
	}
	return sc
}

// webhooks is the notifier's view of the configured webhooks.
func webhooks(cfg configs.Config) []notify.Webhook {
	var out []notify.Webhook
	for _, w := range cfg.Webhooks {
		h := notify.Webhook{Name: w.Name, URL: w.URL, Secret: w.Secret, MaxAge: w.MaxAge, Attempts: w.Attempts, Timeout: w.Timeout}
		for _, t := range w.Types {
			h.Types = append(h.Types, flight.AlertType(t))
		}
		out = append(out, h)
	}
	return out
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

func randomID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
