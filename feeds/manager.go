package feeds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flightwatch/flightwatch/feeds/adsbxv2"
	"github.com/flightwatch/flightwatch/feeds/internal/backoff"
	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/opensky"
	"github.com/flightwatch/flightwatch/feeds/readsb"
	"github.com/flightwatch/flightwatch/feeds/replay"
	"github.com/flightwatch/flightwatch/feeds/sbs"
	"github.com/flightwatch/flightwatch/flight"
)

// Sink receives observations; Ingest returns an error when they could not
// be stored (the feed keeps them and retries, or counts them lost).
type Sink interface {
	Ingest(ctx context.Context, obs []flight.Observation) error
}

// Runner is a long-running feed: Run returns when ctx is done (nil), when
// a finite feed ends (nil), or with an error (the Manager restarts it).
type Runner interface {
	Run(ctx context.Context) error
}

// Options are the parts a Manager needs from its caller. Zero values mean
// the documented defaults.
type Options struct {
	// Logger; nil discards logs.
	Logger *slog.Logger
	// Registry receives the feed counters; nil registers none.
	Registry prometheus.Registerer
	// Open opens replay files; nil is os.Open. Lets replay read embedded
	// files.
	Open func(path string) (io.ReadCloser, error)
	// Now is the clock for receive times and replay re-basing; nil is
	// time.Now.
	Now func() time.Time
	// Reports builds a feed of kind reports; nil makes that kind an error.
	Reports func(cfg Config) (Runner, error)
}

// Status is what a Manager knows of one feed.
type Status struct {
	Name         string    `json:"name"`
	Kind         string    `json:"kind"`
	Connected    bool      `json:"connected"`
	LastMessage  time.Time `json:"last_message"`
	Messages     uint64    `json:"messages"`
	Observations uint64    `json:"observations"`
	Rejects      uint64    `json:"rejects"`
	Reconnects   uint64    `json:"reconnects"`
	LastError    string    `json:"last_error"`
}

// Manager runs a set of feeds into one Sink.
type Manager struct {
	log   *slog.Logger
	feeds []*feed
}

type feed struct {
	cfg    Config
	runner Runner
	stats  *stats
}

// runFunc adapts a feed's Run(ctx, sink) to Runner.
type runFunc func(ctx context.Context) error

func (f runFunc) Run(ctx context.Context) error { return f(ctx) }

// New validates cfgs and builds their feeds. Names must be unique.
func New(cfgs []Config, sink Sink, opt Options) (*Manager, error) {
	_, opt.Logger, opt.Now = feedstats.Defaults(nil, opt.Logger, opt.Now)
	met, err := newMetrics(opt.Registry)
	if err != nil {
		return nil, err
	}
	if err := ValidateAll(cfgs); err != nil {
		return nil, err
	}
	m := &Manager{log: opt.Logger.With("component", "feeds")}
	for _, cfg := range cfgs {
		st := newStats(cfg.Name, met, opt.Now)
		r, err := build(cfg, sink, opt, st, m.log.With("feed", cfg.Name, "kind", cfg.Kind))
		if err != nil {
			return nil, err
		}
		m.feeds = append(m.feeds, &feed{cfg: cfg, runner: r, stats: st})
	}
	return m, nil
}

// build makes the Runner of one validated entry.
func build(cfg Config, sink Sink, opt Options, st *stats, log *slog.Logger) (Runner, error) {
	loc, err := cfg.Location()
	if err != nil {
		return nil, fmt.Errorf("%w: feed %q: %v", ErrConfig, cfg.Name, err)
	}
	src := cfg.Name
	switch cfg.Kind {
	case KindSBS:
		f := sbs.New(sbs.Config{Address: cfg.Address, Location: loc, Source: src, Stats: st, Logger: log, Now: opt.Now})
		return runFunc(func(ctx context.Context) error { return f.Run(ctx, sink) }), nil
	case KindReadsb:
		f := readsb.New(readsb.Config{URL: cfg.URL, Interval: time.Duration(cfg.Interval), MaxAge: time.Duration(cfg.MaxAge),
			Headers: cfg.Headers, Source: src, Stats: st, Logger: log, Now: opt.Now})
		return runFunc(func(ctx context.Context) error { return f.Run(ctx, sink) }), nil
	case KindADSBX:
		f := adsbxv2.New(adsbxv2.Config{URL: cfg.URL, Path: cfg.Path, Interval: time.Duration(cfg.Interval), MaxAge: time.Duration(cfg.MaxAge),
			Headers: cfg.Headers, Source: src, Stats: st, Logger: log, Now: opt.Now})
		return runFunc(func(ctx context.Context) error { return f.Run(ctx, sink) }), nil
	case KindOpenSky:
		f := opensky.New(opensky.Config{URL: cfg.URL, Interval: time.Duration(cfg.Interval), BBox: cfg.BBox,
			Username: cfg.Username, Password: cfg.Password, ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret,
			TokenURL: cfg.TokenURL, Headers: cfg.Headers, Source: src, Stats: st, Logger: log, Now: opt.Now})
		return runFunc(func(ctx context.Context) error { return f.Run(ctx, sink) }), nil
	case KindReplay:
		f := replay.New(replay.Config{Path: cfg.Path, Open: opt.Open, Speed: cfg.Speed, Loop: cfg.Loop, Location: loc,
			Source: src, Stats: st, Logger: log, Now: opt.Now})
		return runFunc(func(ctx context.Context) error { return f.Run(ctx, sink) }), nil
	case KindReports:
		if opt.Reports == nil {
			return nil, fmt.Errorf("%w: feed %q: kind reports is not available here", ErrConfig, cfg.Name)
		}
		r, err := opt.Reports(cfg)
		if err != nil {
			return nil, fmt.Errorf("feeds: build reports feed %q: %w", cfg.Name, err)
		}
		return r, nil
	}
	return nil, fmt.Errorf("%w: feed %q: unknown kind %q", ErrConfig, cfg.Name, cfg.Kind)
}

// Run runs every feed until ctx is done and returns nil then. A feed that
// fails is logged and restarted with backoff; it never stops the others.
// A feed that ends (a replay played once) is not restarted.
func (m *Manager) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, f := range m.feeds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.supervise(ctx, f)
		}()
	}
	wg.Wait()
	return nil
}

func (m *Manager) supervise(ctx context.Context, f *feed) {
	back := backoff.Doubling{Min: time.Second, Max: time.Minute}
	for {
		err := m.runOnce(ctx, f)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			m.log.Info("feed ended", "feed", f.cfg.Name)
			f.stats.Connected(false)
			return
		}
		f.stats.Error(err)
		f.stats.Connected(false)
		m.log.Error("feed failed; restarting", "feed", f.cfg.Name, "err", err)
		if !backoff.Wait(ctx, back.Next()) {
			return
		}
		f.stats.Reconnect()
	}
}

// runOnce runs a feed, turning a panic in it into an error so that one
// feed cannot take the process down.
func (m *Manager) runOnce(ctx context.Context, f *feed) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("feeds: feed %q panicked: %v", f.cfg.Name, p)
		}
	}()
	return f.runner.Run(ctx)
}

// Status returns the status of every feed, in configuration order.
func (m *Manager) Status() []Status {
	out := make([]Status, 0, len(m.feeds))
	for _, f := range m.feeds {
		s := f.stats.status()
		s.Kind = f.cfg.Kind
		out = append(out, s)
	}
	return out
}

// Record runs the feeds of cfgs until ctx is done, writing every
// observation they receive to w as NDJSON (see replay.Recorder). It
// returns nil when ctx is done or every feed has ended.
func Record(ctx context.Context, cfgs []Config, w io.Writer, opt Options) error {
	if w == nil {
		return errors.New("feeds: record: no writer")
	}
	m, err := New(cfgs, replay.NewRecorder(w), opt)
	if err != nil {
		return err
	}
	return m.Run(ctx)
}
