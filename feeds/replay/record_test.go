package replay

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/flight"
)

var recT0 = time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)

func recObs(i int) flight.Observation {
	return flight.Observation{Hex: fmt.Sprintf("%06x", 0xa00000+i), Time: recT0.Add(time.Duration(i) * time.Second),
		Lat: 31.85, Lon: -106.38, AltFt: 4500, Has: flight.HasAlt, Callsign: "RCH821", Source: "rec"}
}

// syncBuffer is a bytes.Buffer safe for the concurrent test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func TestConcurrentRoundTrip(t *testing.T) {
	var out syncBuffer
	r := NewRecorder(&out)
	var wg sync.WaitGroup
	const writers, per = 8, 50
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				n := w*per + i
				if err := r.Ingest(context.Background(), []flight.Observation{recObs(n)}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if r.Count() != writers*per {
		t.Errorf("Count = %d, want %d", r.Count(), writers*per)
	}
	// Every line is whole and plays back as the observation written.
	cfg := Config{Source: "other", Stats: feedstats.Nop{}}
	p := player{cfg: &cfg}
	seen := map[string]bool{}
	for _, line := range bytes.Split(bytes.TrimSuffix(out.b.Bytes(), []byte("\n")), []byte("\n")) {
		o, ok, reason := p.decode(line)
		if !ok {
			t.Fatalf("decode(%q) rejected: %s", line, reason)
		}
		var i int
		if _, err := fmt.Sscanf(o.Hex, "%06x", &i); err != nil {
			t.Fatalf("hex %q: %v", o.Hex, err)
		}
		if want := recObs(i - 0xa00000); !o.Time.Equal(want.Time) || o.Lat != want.Lat || o.Lon != want.Lon ||
			o.AltFt != want.AltFt || o.Callsign != want.Callsign || o.Source != want.Source {
			t.Errorf("decode(%q) = %+v, want %+v", line, o, want)
		}
		seen[o.Hex] = true
	}
	if len(seen) != writers*per {
		t.Errorf("%d distinct observations, want %d", len(seen), writers*per)
	}
	sc := bufio.NewScanner(bytes.NewReader(out.b.Bytes()))
	lines := 0
	for sc.Scan() {
		lines++
	}
	if lines != writers*per {
		t.Errorf("%d lines, want %d", lines, writers*per)
	}
}

type failSink struct{ err error }

func (f *failSink) Ingest(context.Context, []flight.Observation) error { return f.err }

type errWriter struct{}

func (errWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestTee(t *testing.T) {
	tests := []struct {
		name     string
		w        interface{ Write([]byte) (int, error) }
		next     error
		wantErr  bool
		recorded uint64
	}{
		{"both ok", &bytes.Buffer{}, nil, false, 2},
		{"next fails: nothing recorded, error returned", &bytes.Buffer{}, errors.New("store down"), true, 0},
		{"recorder fails", errWriter{}, nil, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewRecorder(tt.w)
			s := r.Tee(&failSink{err: tt.next})
			err := s.Ingest(context.Background(), []flight.Observation{recObs(1), recObs(2)})
			if (err != nil) != tt.wantErr {
				t.Errorf("Ingest = %v, want error %v", err, tt.wantErr)
			}
			if r.Count() != tt.recorded {
				t.Errorf("recorded %d, want %d", r.Count(), tt.recorded)
			}
		})
	}
}
