package readsb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/pipe"
)

// Sink receives the feed's observations.
type Sink = pipe.Sink

// Config configures a Feed. Zero values mean the documented defaults.
type Config struct {
	// URL of aircraft.json. Required.
	URL string
	// Interval between polls; zero is 1 s.
	Interval time.Duration
	// MaxAge is the oldest position accepted; zero is DefaultMaxAge.
	MaxAge time.Duration
	// Headers are added to every request.
	Headers map[string]string
	// Source is copied into every observation.
	Source string
	// Client; nil is a client with a 30 s timeout.
	Client *http.Client
	Stats  pipe.Stats   // nil discards counts
	Logger *slog.Logger // nil discards logs
	Now    func() time.Time
}

// Feed polls one aircraft.json URL.
type Feed struct {
	cfg Config
	dec Decoder
}

// New returns a feed for cfg.
func New(cfg Config) *Feed {
	if cfg.Stats == nil {
		cfg.Stats = pipe.Nop{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Feed{cfg: cfg, dec: Decoder{Source: cfg.Source, MaxAge: cfg.MaxAge}}
}

// Run polls until ctx is done, backing off while the server fails, and
// returns nil then.
func (f *Feed) Run(ctx context.Context, sink Sink) error {
	if f.cfg.URL == "" {
		return errors.New("readsb: no url")
	}
	buf := &pipe.Buffer{Sink: sink, Stats: f.cfg.Stats}
	p := &pipe.Poller{
		Client:   f.cfg.Client,
		Interval: f.cfg.Interval,
		Request: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.cfg.URL, nil)
			if err != nil {
				return nil, fmt.Errorf("readsb: request %s: %w", f.cfg.URL, err)
			}
			for k, v := range f.cfg.Headers {
				req.Header.Set(k, v)
			}
			return req, nil
		},
		Handle: func(ctx context.Context, body []byte, recv time.Time) error {
			obs, rejects, err := f.dec.Decode(body, recv)
			pipe.ReportRejects(f.cfg.Stats, rejects)
			if err != nil {
				f.cfg.Stats.Reject(pipe.ReasonBadDocument, 1)
				return err
			}
			buf.Add(obs...)
			return buf.Flush(ctx)
		},
		Stats:  f.cfg.Stats,
		Logger: f.cfg.Logger,
		Now:    f.cfg.Now,
	}
	return p.Run(ctx)
}
