package pipe

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// Defaults returns stats, logger and now with the defaults every feed's
// Config documents for nil: counts and logs discarded, time.Now as clock.
func Defaults(stats Stats, logger *slog.Logger, now func() time.Time) (Stats, *slog.Logger, func() time.Time) {
	if stats == nil {
		stats = Nop{}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return stats, logger, now
}

// OpenFile opens path with os.Open; it is the default opener of files to
// replay.
func OpenFile(path string) (io.ReadCloser, error) { return os.Open(path) }

// Get builds a poll's GET request for url and sets each map of headers in
// turn, so a later map overrides an earlier one. feed names the feed in
// the error.
func Get(ctx context.Context, feed, url string, headers ...map[string]string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: request %s: %w", feed, url, err)
	}
	for _, h := range headers {
		for k, v := range h {
			req.Header.Set(k, v)
		}
	}
	return req, nil
}

// DecodeFunc turns one poll body, received at recv, into observations and
// per-reason reject counts; an error means the body is no document of the
// feed's format.
type DecodeFunc func(body []byte, recv time.Time) ([]flight.Observation, map[string]int, error)

// Deliver returns a Poller's Handle that decodes each body with decode,
// counts its rejects into stats (and the body as a bad document when it
// does not decode) and hands the observations to sink through one Buffer,
// which keeps them while the sink fails.
func Deliver(sink Sink, stats Stats, decode DecodeFunc) func(ctx context.Context, body []byte, recv time.Time) error {
	buf := &Buffer{Sink: sink, Stats: stats}
	return func(ctx context.Context, body []byte, recv time.Time) error {
		obs, rejects, err := decode(body, recv)
		ReportRejects(stats, rejects)
		if err != nil {
			stats.Reject(ReasonBadDocument, 1)
			return err
		}
		buf.Add(obs...)
		return buf.Flush(ctx)
	}
}
