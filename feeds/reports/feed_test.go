package reports

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// idSink stores reports by id, as the store does, and counts calls.
type idSink struct {
	mu    sync.Mutex
	byID  map[string]flight.Report
	calls int
	fail  bool
}

func (s *idSink) IngestReports(_ context.Context, reps []flight.Report) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.fail {
		return 0, errors.New("store unavailable")
	}
	if s.byID == nil {
		s.byID = map[string]flight.Report{}
	}
	added := 0
	for _, r := range reps {
		if _, ok := s.byID[r.ID]; !ok {
			s.byID[r.ID] = r
			added++
		}
	}
	return added, nil
}

func (s *idSink) state() (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byID), s.calls
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestFeedURL(t *testing.T) {
	doc := "id,time,lat,lon,count\na,2025-01-23,40,-74,1\nb,2025-01-23,41,-75,2\n"
	var gets, notModified atomic.Int32
	var mu sync.Mutex
	etag := `"v1"`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gets.Add(1)
		mu.Lock()
		body, tag := doc, etag
		mu.Unlock()
		if r.Header.Get("If-None-Match") == tag {
			notModified.Add(1)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", tag)
		w.Header().Set("Content-Type", "text/csv")
		io.WriteString(w, body)
	}))
	defer srv.Close()

	sink := &idSink{}
	f, err := NewFeed(FeedConfig{Name: "t", URL: srv.URL + "/reports"}, sink, WithLogger(quiet()), WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if err := f.Poll(ctx); err != nil {
			t.Fatalf("Poll %d: %v", i, err)
		}
	}
	if n, calls := sink.state(); n != 2 || calls != 1 {
		t.Errorf("after 3 polls of an unchanged document: %d reports, %d sink calls; want 2, 1", n, calls)
	}
	if notModified.Load() != 2 {
		t.Errorf("304 answers = %d, want 2", notModified.Load())
	}
	mu.Lock()
	doc += "c,2025-01-23,42,-76,3\n"
	etag = `"v2"`
	mu.Unlock()
	if err := f.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if n, calls := sink.state(); n != 3 || calls != 2 {
		t.Errorf("after a change: %d reports, %d sink calls; want 3, 2", n, calls)
	}

	// A sink failure leaves the document unseen, so the next poll retries.
	mu.Lock()
	doc += "d,2025-01-23,43,-77,1\n"
	etag = `"v3"`
	mu.Unlock()
	sink.mu.Lock()
	sink.fail = true
	sink.mu.Unlock()
	if err := f.Poll(ctx); err == nil {
		t.Error("Poll with a failing sink: no error")
	}
	sink.mu.Lock()
	sink.fail = false
	sink.mu.Unlock()
	if err := f.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := sink.state(); n != 4 {
		t.Errorf("after retry: %d reports, want 4", n)
	}
}

func TestFeedURLStatusAndFormat(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/down":
			http.Error(w, "no", http.StatusBadGateway)
		case "/data.ndjson":
			w.Header().Set("Content-Type", "application/octet-stream")
			io.WriteString(w, `{"id":"x","time":"2025-01-23","lat":1,"lon":2,"count":1}`+"\n")
		}
	}))
	defer srv.Close()
	sink := &idSink{}
	f, _ := NewFeed(FeedConfig{Name: "t", URL: srv.URL + "/down"}, sink, WithLogger(quiet()))
	if err := f.Poll(context.Background()); err == nil {
		t.Error("Poll of a 502: no error")
	}
	f, _ = NewFeed(FeedConfig{Name: "t", URL: srv.URL + "/data.ndjson"}, sink, WithLogger(quiet()), WithClock(func() time.Time { return testNow }))
	if err := f.Poll(context.Background()); err != nil {
		t.Fatalf("Poll with format from the extension: %v", err)
	}
	if n, _ := sink.state(); n != 1 {
		t.Errorf("reports = %d, want 1", n)
	}
}

func TestFeedFileRun(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "reports.ndjson")
	write := func(s string, mtime time.Time) {
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	line := func(id string) string {
		return `{"id":"` + id + `","time":"2025-01-23","place":"Denver, CO","count":1}` + "\n"
	}
	t0 := time.Date(2025, 1, 23, 0, 0, 0, 0, time.UTC)
	write(line("a"), t0)

	var opens atomic.Int32
	sink := &idSink{}
	f, err := NewFeed(FeedConfig{Name: "file", Path: path, Interval: 10 * time.Millisecond,
		Open: func(p string) (io.ReadCloser, error) { opens.Add(1); return os.Open(p) }},
		sink, WithLogger(quiet()), WithResolver(testResolver), WithClock(func() time.Time { return testNow }))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 2; i++ {
		if err := f.Poll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if opens.Load() != 1 {
		t.Errorf("opens of an unchanged file = %d, want 1", opens.Load())
	}
	write(line("a")+line("b"), t0.Add(time.Second))

	// Run picks up the change; wait for it by polling the sink, not a timer.
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	for {
		if n, _ := sink.state(); n == 2 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("Run returned early: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after cancel = %v, want nil", err)
	}
	if n, _ := sink.state(); n != 2 {
		t.Errorf("reports = %d, want 2", n)
	}
}

func TestNewFeedErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  FeedConfig
	}{
		{"neither", FeedConfig{Name: "x"}},
		{"both", FeedConfig{Name: "x", URL: "http://a", Path: "/b.csv"}},
		{"bad format", FeedConfig{Name: "x", URL: "http://a", Format: "xml"}},
		{"unknown extension", FeedConfig{Name: "x", Path: "/b.txt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewFeed(tt.cfg, &idSink{}); err == nil {
				t.Errorf("NewFeed(%+v): no error", tt.cfg)
			}
		})
	}
}
