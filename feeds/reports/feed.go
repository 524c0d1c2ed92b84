package reports

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// Sink receives parsed reports. Storing them idempotently by id is the
// sink's job: a feed re-sends a whole document whenever it changes.
type Sink interface {
	IngestReports(ctx context.Context, reps []flight.Report) (added int, err error)
}

// FeedConfig configures a reports feed. Exactly one of URL and Path is set.
type FeedConfig struct {
	// Name identifies the feed in logs.
	Name string
	// URL is polled with GET, honouring ETag and Last-Modified.
	URL string
	// Path is a file re-read whenever its modification time or size changes.
	Path string
	// Interval between polls or file checks. Default 1 minute for a URL,
	// 5 seconds for a file.
	Interval time.Duration
	// Format is csv, ndjson or geojson; "" takes it from the response's
	// Content-Type, or from the file's extension.
	Format string
	// Open opens Path; nil means os.Open.
	Open func(string) (io.ReadCloser, error)
}

// Option changes a Feed's defaults.
type Option func(*Feed)

// WithLogger sets the logger; default slog.Default().
func WithLogger(l *slog.Logger) Option { return func(f *Feed) { f.log = l } }

// WithResolver sets the resolver for reports given by place only; default
// none (such reports are rejected).
func WithResolver(r Resolver) Option { return func(f *Feed) { f.res = r } }

// WithHTTPClient sets the HTTP client; default one with a 30 s timeout.
func WithHTTPClient(c *http.Client) Option { return func(f *Feed) { f.client = c } }

// WithClock sets the clock used to judge report times; default time.Now.
func WithClock(now func() time.Time) Option { return func(f *Feed) { f.now = now } }

// maxBody bounds one fetched document.
const maxBody = 64 << 20

// Feed polls a URL or watches a file of reports. It is driven by one
// goroutine calling Run.
type Feed struct {
	cfg    FeedConfig
	sink   Sink
	log    *slog.Logger
	res    Resolver
	client *http.Client
	now    func() time.Time
	format Format
	fixed  bool // format set in the config

	etag, lastMod string    // HTTP validators of the last ingested document
	mtime         time.Time // file state of the last ingested document
	size          int64
}

// NewFeed checks cfg and returns a feed sending to sink.
func NewFeed(cfg FeedConfig, sink Sink, opt ...Option) (*Feed, error) {
	if (cfg.URL == "") == (cfg.Path == "") {
		return nil, fmt.Errorf("reports feed %q: exactly one of url and path is required", cfg.Name)
	}
	if sink == nil {
		return nil, fmt.Errorf("reports feed %q: sink is nil", cfg.Name)
	}
	f := &Feed{cfg: cfg, sink: sink, log: slog.Default(),
		client: &http.Client{Timeout: 30 * time.Second}, now: time.Now}
	if cfg.Format != "" {
		fm, err := ParseFormat(cfg.Format)
		if err != nil {
			return nil, fmt.Errorf("reports feed %q: %w", cfg.Name, err)
		}
		f.format, f.fixed = fm, true
	} else if cfg.Path != "" {
		fm, err := formatForPath(cfg.Path)
		if err != nil {
			return nil, fmt.Errorf("reports feed %q: %w", cfg.Name, err)
		}
		f.format, f.fixed = fm, true
	}
	if f.cfg.Interval <= 0 {
		f.cfg.Interval = time.Minute
		if cfg.Path != "" {
			f.cfg.Interval = 5 * time.Second
		}
	}
	if f.cfg.Open == nil {
		f.cfg.Open = func(p string) (io.ReadCloser, error) { return os.Open(p) }
	}
	for _, o := range opt {
		o(f)
	}
	f.log = f.log.With("component", "reports-feed", "feed", cfg.Name)
	return f, nil
}

// Run polls until ctx is done, then returns nil. Failures of one poll are
// logged and retried at the next tick; a document is marked as seen only
// once the sink has taken it.
func (f *Feed) Run(ctx context.Context) error {
	t := time.NewTicker(f.cfg.Interval)
	defer t.Stop()
	for {
		if err := f.Poll(ctx); err != nil && ctx.Err() == nil {
			f.log.Warn("poll failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Poll fetches the document once, if it changed since the last successful
// poll, and sends its reports to the sink.
func (f *Feed) Poll(ctx context.Context) error {
	if f.cfg.Path != "" {
		return f.pollFile(ctx)
	}
	return f.pollURL(ctx)
}

func (f *Feed) pollFile(ctx context.Context) error {
	st, err := os.Stat(f.cfg.Path)
	if err != nil {
		return fmt.Errorf("stat %s: %w", f.cfg.Path, err)
	}
	if st.ModTime().Equal(f.mtime) && st.Size() == f.size {
		return nil
	}
	rc, err := f.cfg.Open(f.cfg.Path)
	if err != nil {
		return fmt.Errorf("open %s: %w", f.cfg.Path, err)
	}
	defer rc.Close()
	if err := f.ingest(ctx, io.LimitReader(rc, maxBody), f.format, f.cfg.Path); err != nil {
		return err
	}
	f.mtime, f.size = st.ModTime(), st.Size()
	return nil
}

func (f *Feed) pollURL(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.cfg.URL, nil)
	if err != nil {
		return fmt.Errorf("poll %s: %w", f.cfg.URL, err)
	}
	if f.etag != "" {
		req.Header.Set("If-None-Match", f.etag)
	}
	if f.lastMod != "" {
		req.Header.Set("If-Modified-Since", f.lastMod)
	}
	req.Header.Set("Accept", "text/csv, application/x-ndjson, application/geo+json;q=0.9, application/json;q=0.8")
	resp, err := f.client.Do(req)
	if err != nil {
		return fmt.Errorf("poll %s: %w", f.cfg.URL, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return nil
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("poll %s: status %s", f.cfg.URL, resp.Status)
	}
	fm := f.format
	if !f.fixed {
		if fm, err = FormatFor(resp.Header.Get("Content-Type")); err != nil {
			if fm, err = formatForPath(req.URL.Path); err != nil {
				return fmt.Errorf("poll %s: %w", f.cfg.URL, err)
			}
		}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return fmt.Errorf("poll %s: read body: %w", f.cfg.URL, err)
	}
	if len(body) > maxBody {
		return fmt.Errorf("poll %s: body larger than %d bytes", f.cfg.URL, maxBody)
	}
	if err := f.ingest(ctx, bytes.NewReader(body), fm, f.cfg.URL); err != nil {
		return err
	}
	f.etag, f.lastMod = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	return nil
}

// ingest parses one document and hands its reports to the sink.
func (f *Feed) ingest(ctx context.Context, r io.Reader, fm Format, from string) error {
	reps, rowErrs, err := Parse(r, fm, f.res, f.now())
	if err != nil {
		return fmt.Errorf("parse %s: %w", from, err)
	}
	for _, e := range rowErrs {
		f.log.Debug("report rejected", "line", e.Line, "err", e.Error)
	}
	added := 0
	if len(reps) > 0 {
		if added, err = f.sink.IngestReports(ctx, reps); err != nil {
			return fmt.Errorf("ingest reports from %s: %w", from, err)
		}
	}
	if len(reps) == 0 && len(rowErrs) > 0 {
		return fmt.Errorf("parse %s: %w: no valid report, %d bad rows", from, ErrDocument, len(rowErrs))
	}
	f.log.Info("reports read", "reports", len(reps), "added", added, "rejected", len(rowErrs))
	return nil
}
