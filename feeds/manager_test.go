package feeds

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flightwatch/flightwatch/feeds/internal/backoff"
	"github.com/flightwatch/flightwatch/feeds/internal/feedtest"
	"github.com/flightwatch/flightwatch/ingest/push"
)

// flaky is a reports Runner that panics, then fails, then runs until ctx
// is done.
type flaky struct{ runs atomic.Int32 }

func (f *flaky) Run(ctx context.Context) error {
	switch f.runs.Add(1) {
	case 1:
		panic("boom")
	case 2:
		return errors.New("reports source down")
	}
	<-ctx.Done()
	return nil
}

func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestManager runs a replay next to a receiver that refuses connections
// and a report feed that panics and fails: the replay delivers everything,
// the others are retried, and status and metrics say so.
func TestManager(t *testing.T) {
	reg := prometheus.NewRegistry()
	rep := &flaky{}
	sink := &feedtest.Collector{}
	cfgs := []Config{
		{Name: "demo", Kind: KindReplay, Path: "testdata/demo.ndjson", Speed: 6000},
		{Name: "dead-receiver", Kind: KindSBS, Address: closedAddr(t)},
		{Name: "arrests", Kind: KindReports, URL: "http://127.0.0.1/x.csv"},
	}
	m, err := New(cfgs, sink, Options{Registry: reg, Reports: func(cfg Config) (Runner, error) { return rep, nil }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	if got := sink.Wait(3, 20*time.Second); len(got) != 3 {
		t.Fatalf("got %d observations, want 3", len(got))
	}
	deadline := time.Now().Add(30 * time.Second)
	for rep.runs.Load() < 3 && time.Now().Before(deadline) {
		backoff.Wait(ctx, 20*time.Millisecond)
	}
	if rep.runs.Load() < 3 {
		t.Errorf("report feed ran %d times, want >= 3 (restarted after panic and error)", rep.runs.Load())
	}
	st := m.Status()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if len(st) != 3 {
		t.Fatalf("Status has %d feeds", len(st))
	}
	if s := st[0]; s.Name != "demo" || s.Kind != KindReplay || s.Observations != 3 || s.Messages != 4 || s.Rejects != 1 || s.LastMessage.IsZero() {
		t.Errorf("demo status = %+v", s)
	}
	if s := st[1]; s.Connected || s.LastError == "" || !strings.Contains(s.LastError, "dial") {
		t.Errorf("dead receiver status = %+v", s)
	}
	if s := st[2]; s.Reconnects < 2 {
		t.Errorf("reports status = %+v, want >= 2 restarts", s)
	}
	if v, n := counter(t, reg, "flightwatch_feed_observations_total", "demo"); v != 3 || n != 1 {
		t.Errorf("observations metric = %v (%d series), want 3", v, n)
	}
	if v, n := counter(t, reg, "flightwatch_feed_rejects_total", "demo"); v != 1 || n != 1 {
		t.Errorf("rejects metric = %v (%d series), want 1 in one series", v, n)
	}
}

// counter sums the counter name over the series of feed and counts them.
func counter(t *testing.T, reg *prometheus.Registry, name, feed string) (float64, int) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum, n := 0.0, 0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "feed" && l.GetValue() == feed {
					sum += m.GetCounter().GetValue()
					n++
				}
			}
		}
	}
	return sum, n
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfgs []Config
		opt  Options
	}{
		{"invalid", []Config{{Name: "a", Kind: "x"}}, Options{}},
		{"duplicate", []Config{{Name: "a", Kind: KindReplay, Path: "p"}, {Name: "a", Kind: KindReplay, Path: "q"}}, Options{}},
		{"reports without builder", []Config{{Name: "a", Kind: KindReports, Path: "r.csv"}}, Options{}},
		{"reports builder fails", []Config{{Name: "a", Kind: KindReports, Path: "r.csv"}},
			Options{Reports: func(Config) (Runner, error) { return nil, errors.New("no") }}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfgs, &feedtest.Collector{}, tt.opt); err == nil {
				t.Error("New = nil error, want one")
			}
		})
	}
}

func TestSharedRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	cfgs := []Config{{Name: "demo", Kind: KindReplay, Path: "testdata/demo.ndjson"}}
	for i := 0; i < 2; i++ {
		if _, err := New(cfgs, &feedtest.Collector{}, Options{Registry: reg}); err != nil {
			t.Fatalf("New #%d: %v", i, err)
		}
	}
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func TestRecord(t *testing.T) {
	var out lockedBuffer
	cfgs := []Config{{Name: "demo", Kind: KindReplay, Path: "testdata/demo.ndjson", Speed: 6000}}
	if err := Record(context.Background(), cfgs, &out, Options{}); err != nil {
		t.Fatal(err)
	}
	obs, errs, err := push.Parse(bytes.NewReader(out.b.Bytes()), push.NDJSON, time.Now())
	if err != nil || len(errs) > 0 || len(obs) != 3 {
		t.Fatalf("recorded %d observations (%v %v), want 3:\n%s", len(obs), errs, err, out.b.String())
	}
	if obs[0].Source != "rec" || obs[2].Source != "demo" {
		t.Errorf("sources = %q, %q; want rec (recorded) and demo (feed name)", obs[0].Source, obs[2].Source)
	}
}
