package poll

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/backoff"
	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
)

// MaxBody bounds the bytes read from one poll response.
const MaxBody = 64 << 20

// maxFailWait caps the backoff between failed polls (unless the interval
// itself is longer).
const maxFailWait = time.Minute

// StatusError is a poll answered with a non-2xx status.
type StatusError struct {
	Code int
	// RetryAfter is the delay the server asked for (429, 503), or zero.
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("status %d, retry after %s", e.Code, e.RetryAfter)
	}
	return fmt.Sprintf("status %d", e.Code)
}

// Loop fetches a URL every Interval and hands each body to Handle. On a
// failure it backs off (never polling faster than Interval); on 429 or 503
// it waits at least what Retry-After (or RetryHeader) asks.
type Loop struct {
	Client   *http.Client  // nil: a client with a 30 s timeout
	Interval time.Duration // zero: 1 s
	// Request builds each poll's request.
	Request func(ctx context.Context) (*http.Request, error)
	// Handle receives a 2xx body and the time it arrived.
	Handle func(ctx context.Context, body []byte, received time.Time) error
	// RetryHeader names an extra header holding seconds to wait on 429
	// (OpenSky's X-Rate-Limit-Retry-After-Seconds).
	RetryHeader string
	// Unauthorized is called on 401 (e.g. to drop a cached token).
	Unauthorized func()
	Stats        feedstats.Stats
	Logger       *slog.Logger
	Now          func() time.Time // nil: time.Now
}

// Run polls until ctx is done and then returns nil.
func (p *Loop) Run(ctx context.Context) error {
	if p.Client == nil {
		p.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if p.Interval <= 0 {
		p.Interval = time.Second
	}
	if p.Now == nil {
		p.Now = time.Now
	}
	var back backoff.Doubling
	back.Min, back.Max = min(time.Second, p.Interval), maxFailWait
	failing := false
	for {
		err := p.poll(ctx)
		if err == nil {
			// Counted before the ctx check: the poll's observations are
			// delivered, so its recovery is part of what Run reports.
			if failing {
				p.Stats.Reconnect()
			}
			failing = false
			back.Reset()
			p.Stats.Connected(true)
			p.Stats.Error(nil)
		}
		if ctx.Err() != nil {
			return nil
		}
		wait := p.Interval
		if err != nil {
			failing = true
			p.Stats.Connected(false)
			p.Stats.Error(err)
			p.Logger.Warn("poll failed", "err", err)
			wait = max(wait, back.Next())
			var se *StatusError
			if errors.As(err, &se) {
				if se.Code == http.StatusUnauthorized && p.Unauthorized != nil {
					p.Unauthorized()
				}
				wait = max(wait, se.RetryAfter)
			}
		}
		if !backoff.Wait(ctx, wait) {
			return nil
		}
	}
}

func (p *Loop) poll(ctx context.Context) error {
	req, err := p.Request(ctx)
	if err != nil {
		return err
	}
	resp, err := p.Client.Do(req)
	if err != nil {
		return fmt.Errorf("poll %s: %w", req.URL.Redacted(), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
		se := &StatusError{Code: resp.StatusCode}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			se.RetryAfter = RetryAfter(resp.Header, p.RetryHeader, p.Now())
		}
		return fmt.Errorf("poll %s: %w", req.URL.Redacted(), se)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	if err != nil {
		return fmt.Errorf("poll %s: read body: %w", req.URL.Redacted(), err)
	}
	if len(body) > MaxBody {
		return fmt.Errorf("poll %s: body larger than %d bytes", req.URL.Redacted(), MaxBody)
	}
	p.Stats.Messages(1)
	if err := p.Handle(ctx, body, p.Now()); err != nil {
		return fmt.Errorf("poll %s: %w", req.URL.Redacted(), err)
	}
	return nil
}

// RetryAfter reads the delay a rate-limited answer asks for: the extra
// header (seconds) when named and present, else Retry-After as seconds or
// an HTTP date relative to now. Zero when absent or unreadable.
func RetryAfter(h http.Header, extra string, now time.Time) time.Duration {
	if extra != "" {
		if v := strings.TrimSpace(h.Get(extra)); v != "" {
			if s, err := strconv.ParseFloat(v, 64); err == nil && s > 0 && s < 1e7 {
				return time.Duration(s * float64(time.Second))
			}
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil {
		if s < 0 || s > 1e7 {
			return 0
		}
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
