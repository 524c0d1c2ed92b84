package readsb

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/backoff"
	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/feedtest"
)

// TestRunFailures serves a 500, a garbage body, a 429 with Retry-After and
// then the fixture: the feed survives each, honours the wait, and delivers.
func TestRunFailures(t *testing.T) {
	fixture := feedtest.Fixture(t, "aircraft.json")
	srv := feedtest.Serve(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Test") != "yes" {
			t.Errorf("header X-Test = %q, want yes", r.Header.Get("X-Test"))
		}
		switch n {
		case 1:
			http.Error(w, "boom", http.StatusInternalServerError)
		case 2:
			w.Write([]byte("<html>garbage"))
		case 3:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.Write(fixture)
		}
	})
	st := &feedtest.Counts{}
	f := New(Config{URL: srv.URL, Interval: 10 * time.Millisecond, Stats: st, Headers: map[string]string{"X-Test": "yes"}})
	feedtest.Until(t, f.Run, 3, 20*time.Second)
	times := srv.Times()
	if gap := times[3].Sub(times[2]); gap < time.Second {
		t.Errorf("polled again %v after a 429 with Retry-After: 1, want >= 1s", gap)
	}
	s := st.Snapshot()
	if s.Rejects[feedstats.ReasonBadDocument] != 1 || s.Reconnects < 1 || s.Observations < 3 || s.Messages < 2 {
		t.Errorf("stats = %+v", s)
	}
}

// TestRunServerAway stops the server after a good poll and starts it
// again on the same address: the feed carries on by itself.
func TestRunServerAway(t *testing.T) {
	fixture := feedtest.Fixture(t, "aircraft.json")
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(fixture) })
	srv := httptest.NewServer(handler)
	addr := srv.Listener.Addr().String()
	st := &feedtest.Counts{}
	sink := &feedtest.Collector{}
	f := New(Config{URL: srv.URL, Interval: 10 * time.Millisecond, Stats: st})
	ctx, stop := feedtest.Start(t, f.Run, sink)
	if got := sink.Wait(1, 20*time.Second); len(got) == 0 {
		t.Fatal("no observation from the first server")
	}
	srv.Close()
	// Wait for the feed to notice.
	deadline := time.Now().Add(20 * time.Second)
	for st.Snapshot().LastError == nil && time.Now().Before(deadline) {
		backoff.Wait(ctx, 10*time.Millisecond)
	}
	if st.Snapshot().LastError == nil {
		t.Fatal("feed did not notice the server going away")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s again: %v", addr, err)
	}
	srv2 := &httptest.Server{Listener: ln, Config: &http.Server{Handler: handler}}
	srv2.Start()
	defer srv2.Close()
	before := len(sink.All())
	if got := sink.Wait(before+1, 30*time.Second); len(got) <= before {
		t.Fatal("no observation after the server came back")
	}
	stop()
	if s := st.Snapshot(); s.Reconnects < 1 {
		t.Errorf("reconnects = %d, want >= 1", s.Reconnects)
	}
}

func TestRunSinkFailure(t *testing.T) {
	fixture := feedtest.Fixture(t, "aircraft.json")
	srv := feedtest.Serve(t, func(_ int, w http.ResponseWriter, _ *http.Request) { w.Write(fixture) })
	sink := &feedtest.Collector{}
	sink.SetFail(context.DeadlineExceeded)
	st := &feedtest.Counts{}
	f := New(Config{URL: srv.URL, Interval: 10 * time.Millisecond, Stats: st})
	ctx, stop := feedtest.Start(t, f.Run, sink)
	for st.Snapshot().Messages < 2 {
		backoff.Wait(ctx, 5*time.Millisecond)
	}
	sink.SetFail(nil)
	// Kept observations arrive with the next batch: more than one poll's worth.
	if got := sink.Wait(6, 20*time.Second); len(got) < 6 {
		t.Errorf("got %d observations after the sink recovered, want >= 6 (kept ones included)", len(got))
	}
	stop()
}
