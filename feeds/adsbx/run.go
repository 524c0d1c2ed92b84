package adsbx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/pipe"
	"github.com/flightwatch/flightwatch/feeds/readsb"
)

// Sink receives the feed's observations.
type Sink = pipe.Sink

// Config configures a Feed. Zero values mean the documented defaults.
type Config struct {
	// URL is the endpoint, or the API's base URL when Path is set.
	// Required.
	URL string
	// Path is appended to URL when set, e.g. "/v2/mil".
	Path string
	// Interval between polls; zero is 10 s (public services ask for no
	// more than one request per second).
	Interval time.Duration
	// MaxAge is the oldest position accepted; zero is 60 s.
	MaxAge time.Duration
	// Headers are added to every request (e.g. an API key).
	Headers map[string]string
	// Source is copied into every observation.
	Source string
	Client *http.Client // nil: a client with a 30 s timeout
	Stats  pipe.Stats   // nil discards counts
	Logger *slog.Logger // nil discards logs
	Now    func() time.Time
}

// Feed polls one v2 endpoint.
type Feed struct {
	cfg Config
	dec readsb.Decoder
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
	if cfg.Interval <= 0 {
		cfg.Interval = 10 * time.Second
	}
	return &Feed{cfg: cfg, dec: readsb.Decoder{Source: cfg.Source, MaxAge: cfg.MaxAge}}
}

// Endpoint is the URL polled.
func (f *Feed) Endpoint() string {
	if f.cfg.Path == "" {
		return f.cfg.URL
	}
	return strings.TrimRight(f.cfg.URL, "/") + "/" + strings.TrimLeft(f.cfg.Path, "/")
}

// Run polls until ctx is done and returns nil then.
func (f *Feed) Run(ctx context.Context, sink Sink) error {
	if f.cfg.URL == "" {
		return errors.New("adsbx: no url")
	}
	url := f.Endpoint()
	buf := &pipe.Buffer{Sink: sink, Stats: f.cfg.Stats}
	p := &pipe.Poller{
		Client:   f.cfg.Client,
		Interval: f.cfg.Interval,
		Request: func(ctx context.Context) (*http.Request, error) {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return nil, fmt.Errorf("adsbx: request %s: %w", url, err)
			}
			req.Header.Set("Accept", "application/json")
			for k, v := range f.cfg.Headers {
				req.Header.Set(k, v)
			}
			return req, nil
		},
		Handle: func(ctx context.Context, body []byte, recv time.Time) error {
			obs, rejects, err := Parse(&f.dec, body, recv)
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
