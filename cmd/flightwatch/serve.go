package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	goredis "github.com/redis/go-redis/v9"
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
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/tiles"
	"github.com/flightwatch/flightwatch/store/memory"
	fwredis "github.com/flightwatch/flightwatch/store/redis"
	"github.com/flightwatch/flightwatch/track"
)

func serve(ctx context.Context, args []string) error {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	path := flags.String("config", "", "configuration file (YAML); default: built-in defaults")
	pprofAddr := flags.String("pprof", "", "serve runtime profiles (/debug/pprof/) on this address, e.g. 127.0.0.1:6060; default: off")
	if err := flags.Parse(args); err != nil {
		return err
	}
	cfg, err := configs.Load(*path, os.Getenv)
	if err != nil {
		return err
	}
	base := "."
	if *path != "" {
		base = filepath.Dir(*path)
	}
	log := newLogger(cfg.LogLevel)
	a, err := newApp(ctx, cfg, base, log)
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

// app is one flightwatch process, wired: store and bus, tracker and
// pipeline, feeds, the HTTP server, and the demo when configured.
type app struct {
	cfg   configs.Config
	log   *slog.Logger
	st    store.Store
	bus   store.Bus
	pipe  *ingest.Pipeline
	fm    *feeds.Manager
	wf    *watchFiles
	srv   *server.Server
	ret   *retention.Retainer // nil when the store keeps no history
	hooks *notify.Notifier
	relay *notify.Relay
}

func newApp(ctx context.Context, cfg configs.Config, base string, log *slog.Logger) (*app, error) {
	instance := randomID()
	log = log.With("instance", instance)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	airports, err := geo.EmbeddedAirports()
	if err != nil {
		return nil, fmt.Errorf("embedded airport list: %w", err)
	}

	st, bus, out, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, log: log, st: st, bus: bus}
	fail := func(err error) (*app, error) {
		a.close()
		return nil, err
	}
	tr, err := newTracker(cfg, base)
	if err != nil {
		return fail(err)
	}
	a.wf = newWatchFiles(cfg, base, tr, log, reg)
	rt, err := a.wf.routes()
	if err != nil {
		return fail(err)
	}
	tr.SetRoutes(rt)
	seedTracker(ctx, st, tr, cfg, log)
	a.pipe = ingest.New(st, bus, tr, ingest.Options{
		Instance: instance, StaleAfter: cfg.Store.StaleAfter, WriteTimeout: cfg.Store.WriteTimeout,
		AlertsFromLog: true, Logger: log, Registry: reg,
	})
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
	if err := loadPlans(ctx, st, cfg.Plans, base); err != nil {
		return fail(err)
	}
	gaz := geo.Gazetteer()
	a.fm, err = feeds.New(cfg.Feeds, a.pipe, feeds.Options{
		Logger: log, Registry: reg,
		Reports: func(fc feeds.Config) (feeds.Runner, error) {
			return reports.NewFeed(reports.FeedConfig{Name: fc.Name, URL: fc.URL, Path: fc.Path,
				Interval: time.Duration(fc.Interval)}, a.pipe,
				reports.WithLogger(log), reports.WithResolver(gaz))
		},
	})
	if err != nil {
		return fail(err)
	}
	sc, err := serverConfig(cfg, instance)
	if err != nil {
		return fail(err)
	}
	og := ogc.New(ogc.Config{MinCellCount: cfg.Privacy.MinCellCount, PublicRawReports: cfg.Privacy.PublicRawReports,
		CellRes: cellRes(cfg), Logger: log},
		ogc.Deps{Store: st, Authorize: server.Authorizer(sc.Tokens), Airports: airports, Countries: geo.Countries()})
	a.srv, err = server.New(sc, server.Deps{
		Store: st, Bus: bus, Ingest: a.pipe, Static: static.FS(),
		OGC:        og,
		FeedStatus: func() any { return a.fm.Status() },
		Resolver:   gaz, Logger: log, Registry: reg,
		Deliveries: a.hooks,
		Airports:   airports,
		Basemap:    &server.Basemap{Tiles: tiles.New(tiles.Config{Logger: log}), View: server.MapView(cfg.Map.View(cfg.Feeds))},
	})
	if err != nil {
		return fail(err)
	}
	return a, nil
}

// run serves on ln until ctx is done or a part fails.
func (a *app) run(ctx context.Context, ln net.Listener) error {
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return a.srv.Serve(ctx, ln) })
	g.Go(func() error { return a.pipe.Run(ctx) })
	g.Go(func() error { return a.fm.Run(ctx) })
	g.Go(func() error { return a.wf.onHangup(ctx) })
	if a.ret != nil {
		g.Go(func() error { return a.ret.Run(ctx) })
	}
	g.Go(func() error { return a.relay.Run(ctx) })
	g.Go(func() error { return a.hooks.Run(ctx) })
	if a.cfg.Demo {
		g.Go(func() error {
			return demo.Run(ctx, demo.Deps{Store: a.st, Bus: a.bus, Sink: a.pipe, Logger: a.log, OnPass: demoClock.setPass})
		})
	}
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
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

// openStore opens the configured store. With Redis it waits, retrying,
// until Redis answers (or ctx is done), so that a service started before
// its Redis comes up by itself.
func openStore(ctx context.Context, cfg configs.Config, log *slog.Logger) (store.Store, store.Bus, store.Outbox, error) {
	scfg := store.Config{H3Res: cfg.Store.H3Res, TrackLen: cfg.Store.TrackLen,
		ReportRes: cfg.Store.ReportRes, AlertLen: cfg.Store.AlertLen, LegPoints: cfg.Store.LegPoints}
	if cfg.Redis.URL == "" {
		st := memory.New(scfg)
		return st, memory.NewBus(), st, nil
	}
	opt, err := fwredis.ParseURL(cfg.Redis.URL)
	if err != nil {
		return nil, nil, nil, err
	}
	// Deadlines of the callers (ingest's write timeout, /readyz) bound
	// every command, so a hung Redis answers an error in time.
	opt.SetContextTimeout(true)
	client := opt.Client()
	st := fwredis.NewWithClient(client, cfg.Redis.Prefix, scfg)
	wait := 500 * time.Millisecond
	for {
		err := st.Ping(ctx)
		if err == nil {
			break
		}
		log.Warn("waiting for redis", "addr", opt.Addr(), "err", err)
		select {
		case <-ctx.Done():
			client.Close()
			return nil, nil, nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(2*wait, 10*time.Second)
	}
	return closer{st, client}, fwredis.NewBus(client, cfg.Redis.Prefix+":events").WithLogger(log), st, nil
}

// closer closes the Redis client with the store.
type closer struct {
	store.Store
	client goredis.UniversalClient
}

func (c closer) Close() error {
	c.Store.Close()
	return c.client.Close()
}

func serverConfig(cfg configs.Config, instance string) (server.Config, error) {
	sc := server.Config{
		Listen: cfg.Listen, MaxBodyBytes: cfg.HTTP.MaxBodyBytes,
		WSQueueBytes: cfg.Websocket.QueueBytes, WSBatch: cfg.Websocket.Batch, WSHistory: cfg.Websocket.History,
		WSHistoryBytes: cfg.Websocket.HistoryBytes, WSCompression: cfg.Websocket.Compression,
		CellRes: store.Config{ReportRes: cfg.Store.ReportRes}.WithDefaults().ReportRes, AllowedOrigins: cfg.HTTP.AllowedOrigins,
		MinCellCount: cfg.Privacy.MinCellCount, PublicRawReports: cfg.Privacy.PublicRawReports,
		InstanceID: instance,
	}
	for _, t := range cfg.HTTP.Tokens {
		sc.Tokens = append(sc.Tokens, server.Token{Value: t.Token, Scopes: t.Scopes})
	}
	if cfg.Demo {
		b, err := fs.ReadFile(configs.Demo(), "info.html")
		if err != nil {
			return sc, fmt.Errorf("demo info: %w", err)
		}
		sc.Info = string(b)
		sc.Scenario = demoClock.get
	}
	sc.Banner = cfg.HTTP.Banner
	return sc, nil
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

func newTracker(cfg configs.Config, base string) (*track.Tracker, error) {
	wl, err := loadWatchlists(cfg.Watchlists, base)
	if err != nil {
		return nil, err
	}
	if cfg.Demo {
		dw, err := demo.Watchlist()
		if err != nil {
			return nil, fmt.Errorf("demo watchlist: %w", err)
		}
		wl = wl.Merge(dw)
	}
	var fences []track.Geofence
	for _, g := range cfg.Geofences {
		f := track.Geofence{Name: g.Name}
		if len(g.Polygon) > 0 {
			ring := make(orb.Ring, 0, len(g.Polygon)+1)
			for _, p := range g.Polygon {
				ring = append(ring, orb.Point{p[0], p[1]})
			}
			if ring[0] != ring[len(ring)-1] {
				ring = append(ring, ring[0])
			}
			f.Area = append(f.Area, orb.Polygon{ring})
		}
		for _, c := range g.Countries {
			mp, ok := geo.Countries().Polygon(c)
			if !ok {
				return nil, fmt.Errorf("geofence %s: unknown country %q (use Natural Earth ADM0_A3 codes)", g.Name, c)
			}
			f.Area = append(f.Area, mp...)
		}
		fences = append(fences, f)
	}
	return track.New(cfg.Tracker.TrackConfig(), track.Deps{
		Airports: geo.Airports(), Countries: geo.Countries(), Watchlist: wl, Geofences: fences,
	}), nil
}

func loadWatchlists(paths []string, base string) (*track.Watchlist, error) {
	var all *track.Watchlist
	for _, p := range paths {
		w, err := readWith(resolve(base, p), func(r io.Reader) (*track.Watchlist, error) {
			if strings.EqualFold(filepath.Ext(p), ".csv") {
				return track.LoadPlaneAlertCSV(r)
			}
			return track.LoadWatchlist(r)
		})
		if err != nil {
			return nil, fmt.Errorf("watchlist %s: %w", p, err)
		}
		all = all.Merge(w)
	}
	return all, nil
}

func loadPlans(ctx context.Context, st store.Store, paths []string, base string) error {
	for _, p := range paths {
		plans, err := readWith(resolve(base, p), track.LoadPlans)
		if err != nil {
			return fmt.Errorf("plans %s: %w", p, err)
		}
		for _, pl := range plans {
			if err := track.ValidatePlan(pl, geo.Airports()); err != nil {
				return fmt.Errorf("plans %s: %w", p, err)
			}
			if err := st.PutPlan(ctx, pl); err != nil {
				return fmt.Errorf("plans %s: %w", p, err)
			}
		}
	}
	return nil
}

func resolve(base, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(base, p)
}

func readWith[T any](path string, parse func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	return parse(f)
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
