package readsb

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/poll"
	"github.com/flightwatch/flightwatch/feeds/internal/sink"
)

// Sink receives the feed's observations.
type Sink = sink.Sink

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
	Stats  feedstats.Stats // nil discards counts
	Logger *slog.Logger    // nil discards logs
	Now    func() time.Time
}

// Feed polls one aircraft.json URL.
type Feed struct {
	cfg Config
	dec Decoder
}

// New returns a feed for cfg.
func New(cfg Config) *Feed {
	cfg.Stats, cfg.Logger, cfg.Now = feedstats.Defaults(cfg.Stats, cfg.Logger, cfg.Now)
	return &Feed{cfg: cfg, dec: Decoder{Source: cfg.Source, MaxAge: cfg.MaxAge}}
}

// Run polls until ctx is done, backing off while the server fails, and
// returns nil then.
func (f *Feed) Run(ctx context.Context, to Sink) error {
	if f.cfg.URL == "" {
		return errors.New("readsb: no url")
	}
	p := &poll.Loop{
		Client:   f.cfg.Client,
		Interval: f.cfg.Interval,
		Request: func(ctx context.Context) (*http.Request, error) {
			return poll.Get(ctx, "readsb", f.cfg.URL, f.cfg.Headers)
		},
		Handle: poll.Deliver(to, f.cfg.Stats, f.dec.Decode),
		Stats:  f.cfg.Stats,
		Logger: f.cfg.Logger,
		Now:    f.cfg.Now,
	}
	return p.Run(ctx)
}
