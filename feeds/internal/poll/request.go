package poll

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/sink"
	"github.com/flightwatch/flightwatch/flight"
)

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

// Deliver returns a Loop's Handle that decodes each body with decode,
// counts its rejects into stats (and the body as a bad document when it
// does not decode) and hands the observations to the sink to through one
// sink.Buffer, which keeps them while the sink fails.
func Deliver(to sink.Sink, stats feedstats.Stats, decode DecodeFunc) func(ctx context.Context, body []byte, recv time.Time) error {
	buf := &sink.Buffer{Sink: to, Stats: stats}
	return func(ctx context.Context, body []byte, recv time.Time) error {
		obs, rejects, err := decode(body, recv)
		feedstats.ReportRejects(stats, rejects)
		if err != nil {
			stats.Reject(feedstats.ReasonBadDocument, 1)
			return err
		}
		buf.Add(obs...)
		return buf.Flush(ctx)
	}
}
