package adsbxv2

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/poll"
	"github.com/flightwatch/flightwatch/feeds/internal/sink"
	"github.com/flightwatch/flightwatch/feeds/readsb"
	"github.com/flightwatch/flightwatch/flight"
)

// Sink receives the feed's observations.
type Sink = sink.Sink

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
	Client *http.Client    // nil: a client with a 30 s timeout
	Stats  feedstats.Stats // nil discards counts
	Logger *slog.Logger    // nil discards logs
	Now    func() time.Time
}

// acceptJSON is set on every request before the configured headers, which
// may override it.
var acceptJSON = map[string]string{"Accept": "application/json"}

// Feed polls one v2 endpoint.
type Feed struct {
	cfg Config
	dec readsb.Decoder
}

// New returns a feed for cfg.
func New(cfg Config) *Feed {
	cfg.Stats, cfg.Logger, cfg.Now = feedstats.Defaults(cfg.Stats, cfg.Logger, cfg.Now)
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
func (f *Feed) Run(ctx context.Context, to Sink) error {
	if f.cfg.URL == "" {
		return errors.New("adsbxv2: no url")
	}
	url := f.Endpoint()
	p := &poll.Loop{
		Client:   f.cfg.Client,
		Interval: f.cfg.Interval,
		Request: func(ctx context.Context) (*http.Request, error) {
			return poll.Get(ctx, "adsbxv2", url, acceptJSON, f.cfg.Headers)
		},
		Handle: poll.Deliver(to, f.cfg.Stats, func(body []byte, recv time.Time) ([]flight.Observation, map[string]int, error) {
			return Parse(&f.dec, body, recv)
		}),
		Stats:  f.cfg.Stats,
		Logger: f.cfg.Logger,
		Now:    f.cfg.Now,
	}
	return p.Run(ctx)
}
