package feedtest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// Server is an HTTP server for the tests of a polled feed: it numbers the
// requests from 1, keeps the time each arrived and hands each to the
// test's answer function.
type Server struct {
	// URL is the server's base URL, as httptest.Server.URL.
	URL string

	srv   *httptest.Server
	mu    sync.Mutex
	times []time.Time
}

// Serve starts a Server that answers request n (from 1) with answer.
// answer runs under the Server's lock, one request at a time, so what it
// writes is visible to the test once Times or Requests returns. The test's
// cleanup closes the server.
func Serve(t testing.TB, answer func(n int, w http.ResponseWriter, r *http.Request)) *Server {
	t.Helper()
	s := &Server{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.times = append(s.times, time.Now())
		answer(len(s.times), w, r)
	}))
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// Times returns when each request arrived, in order.
func (s *Server) Times() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.times...)
}

// Requests is the number of requests received.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.times)
}

// Until runs run with a new Collector until it holds at least n
// observations, stops it and returns them. The test fails when fewer
// arrive within timeout or when run returns an error.
func Until(t testing.TB, run RunFunc, n int, timeout time.Duration) []flight.Observation {
	t.Helper()
	sink := &Collector{}
	_, stop := Start(t, run, sink)
	got := sink.Wait(n, timeout)
	if err := stop(); err != nil {
		t.Errorf("Run = %v", err)
	}
	if len(got) < n {
		t.Fatalf("got %d observations, want %d", len(got), n)
	}
	return got
}
