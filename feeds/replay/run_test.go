package replay

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/feedtest"
)

// clock records the readings Now gave.
type clock struct {
	mu    sync.Mutex
	reads []time.Time
}

func (c *clock) Now() time.Time {
	t := time.Now()
	c.mu.Lock()
	c.reads = append(c.reads, t)
	c.mu.Unlock()
	return t
}

func (c *clock) first() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads[0]
}

func TestReplayRebases(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		n       int
		spacing []time.Duration // from the first record, before speed
		source  string
	}{
		{"ndjson", "testdata/demo.ndjson", 3, []time.Duration{0, time.Minute, 2 * time.Minute}, "rec"},
		{"sbs with prefixes", "testdata/capture.sbs", 3, []time.Duration{0, 59500 * time.Millisecond, 119500 * time.Millisecond}, "demo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const speed = 600
			clk := &clock{}
			st := &feedtest.Counts{}
			sink := &feedtest.Collector{}
			f := New(Config{Path: tt.path, Speed: speed, Now: clk.Now, Source: "demo", Stats: st})
			if err := f.Run(context.Background(), sink); err != nil {
				t.Fatalf("Run = %v", err)
			}
			obs := sink.All()
			if len(obs) != tt.n {
				t.Fatalf("got %d observations, want %d: %+v", len(obs), tt.n, obs)
			}
			start := clk.first()
			for i, o := range obs {
				want := start.Add(tt.spacing[i] / speed)
				if !o.Time.Equal(want.UTC()) {
					t.Errorf("record %d time = %v, want %v", i, o.Time, want)
				}
				if err := o.Validate(time.Now()); err != nil {
					t.Errorf("record %d: %v", i, err)
				}
			}
			if tt.name == "ndjson" && st.Snapshot().Rejects[feedstats.ReasonBadRecord] != 1 {
				t.Errorf("rejects = %v, want one bad_record", st.Snapshot().Rejects)
			}
			if obs[0].Source != tt.source {
				t.Errorf("source = %q, want %q", obs[0].Source, tt.source)
			}
			if time.Since(start) < tt.spacing[len(tt.spacing)-1]/speed {
				t.Errorf("replay finished before the last record's time")
			}
		})
	}
}

func TestReplayMergesSBS(t *testing.T) {
	sink := &feedtest.Collector{}
	f := New(Config{Path: "testdata/capture.sbs", Speed: 1000})
	if err := f.Run(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	obs := sink.All()
	if len(obs) == 0 || obs[0].Callsign != "RCH999" || obs[0].AltFt != 4500 {
		t.Errorf("first = %+v, want callsign from MSG,1 merged", obs)
	}
}

func TestReplayLoopAndOpen(t *testing.T) {
	data := feedtest.Fixture(t, "demo.ndjson")
	opened := 0
	open := func(p string) (io.ReadCloser, error) {
		if p != "embedded/demo.ndjson" {
			return nil, os.ErrNotExist
		}
		opened++
		return io.NopCloser(strings.NewReader(string(data))), nil
	}
	sink := &feedtest.Collector{}
	f := New(Config{Path: "embedded/demo.ndjson", Open: open, Speed: 6000, Loop: true})
	_, stop := feedtest.Start(t, f.Run, sink)
	obs := sink.Wait(7, 20*time.Second)
	if err := stop(); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
	if len(obs) < 7 || opened < 3 {
		t.Fatalf("got %d observations from %d passes, want >= 7 from >= 3", len(obs), opened)
	}
	if !obs[3].Time.After(obs[2].Time) {
		t.Errorf("second pass starts at %v, not after the first pass's end %v", obs[3].Time, obs[2].Time)
	}
}

func TestReplayErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want error
	}{
		{"missing file", Config{Path: "testdata/nope.ndjson"}, os.ErrNotExist},
		{"empty file", Config{Path: "x", Open: func(string) (io.ReadCloser, error) {
			return io.NopCloser(strings.NewReader("\n\n")), nil
		}}, ErrEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := New(tt.cfg).Run(context.Background(), &feedtest.Collector{})
			if !errors.Is(err, tt.want) {
				t.Errorf("Run = %v, want %v", err, tt.want)
			}
		})
	}
}
