package adsbxv2

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedtest"
)

// TestRunRetryAfterDate answers 429 with Retry-After as an HTTP date and
// checks the next poll waits for it, on the configured path.
func TestRunRetryAfterDate(t *testing.T) {
	fixture := feedtest.Fixture(t, "mil.json")
	var (
		mu    sync.Mutex
		times []time.Time
		until time.Time
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v2/mil" {
			t.Errorf("path = %q, want /v2/mil", r.URL.Path)
		}
		mu.Lock()
		times = append(times, time.Now())
		n := len(times)
		mu.Unlock()
		if n == 1 {
			// HTTP dates have whole seconds: ask for 2 s from now.
			mu.Lock()
			until = time.Now().Add(2 * time.Second).Truncate(time.Second)
			mu.Unlock()
			w.Header().Set("Retry-After", until.UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Write(fixture)
	}))
	defer srv.Close()
	st := &feedtest.Counts{}
	sink := &feedtest.Collector{}
	f := New(Config{URL: srv.URL + "/", Path: "/v2/mil", Interval: 10 * time.Millisecond, Stats: st})
	_, stop := feedtest.Start(t, f.Run, sink)
	if got := sink.Wait(2, 20*time.Second); len(got) < 2 {
		t.Fatalf("got %d observations, want 2", len(got))
	}
	stop()
	mu.Lock()
	defer mu.Unlock()
	if times[1].Before(until) {
		t.Errorf("second poll at %v, before Retry-After %v", times[1], until)
	}
	if s := st.Snapshot(); s.Reconnects != 1 || s.LastError == nil {
		t.Errorf("stats = %+v, want one recovery and the 429 recorded", s)
	}
}
