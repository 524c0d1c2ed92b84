package adsbxv2

import (
	"net/http"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedtest"
)

// TestRunRetryAfterDate answers 429 with Retry-After as an HTTP date and
// checks the next poll waits for it, on the configured path.
func TestRunRetryAfterDate(t *testing.T) {
	fixture := feedtest.Fixture(t, "mil.json")
	var until time.Time
	srv := feedtest.Serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v2/mil" {
			t.Errorf("path = %q, want /v2/mil", r.URL.Path)
		}
		if n == 1 {
			// HTTP dates have whole seconds: ask for 2 s from now.
			until = time.Now().Add(2 * time.Second).Truncate(time.Second)
			w.Header().Set("Retry-After", until.UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write(fixture)
	})
	st := &feedtest.Counts{}
	f := New(Config{URL: srv.URL + "/", Path: "/v2/mil", Interval: 10 * time.Millisecond, Stats: st})
	feedtest.Until(t, f.Run, 2, 20*time.Second)
	if times := srv.Times(); times[1].Before(until) {
		t.Errorf("second poll at %v, before Retry-After %v", times[1], until)
	}
	if s := st.Snapshot(); s.Reconnects != 1 || s.LastError == nil {
		t.Errorf("stats = %+v, want one recovery and the 429 recorded", s)
	}
}
