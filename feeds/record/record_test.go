package record

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/ingest/push"
)

var t0 = time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)

func obs(i int) flight.Observation {
	return flight.Observation{Hex: fmt.Sprintf("%06x", 0xa00000+i), Time: t0.Add(time.Duration(i) * time.Second),
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
	r := New(&out)
	var wg sync.WaitGroup
	const writers, per = 8, 50
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				n := w*per + i
				if err := r.Ingest(context.Background(), []flight.Observation{obs(n)}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if r.Count() != writers*per {
		t.Errorf("Count = %d, want %d", r.Count(), writers*per)
	}
	// Every line is whole and reads back through the ingest parser.
	got, errs, err := push.Parse(bytes.NewReader(out.b.Bytes()), push.NDJSON, t0.Add(time.Hour))
	if err != nil || len(errs) > 0 {
		t.Fatalf("read back: %v %v", err, errs)
	}
	if len(got) != writers*per {
		t.Fatalf("read back %d observations, want %d", len(got), writers*per)
	}
	seen := map[string]bool{}
	for _, o := range got {
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
			r := New(tt.w)
			s := Tee(r, &failSink{err: tt.next})
			err := s.Ingest(context.Background(), []flight.Observation{obs(1), obs(2)})
			if (err != nil) != tt.wantErr {
				t.Errorf("Ingest = %v, want error %v", err, tt.wantErr)
			}
			if r.Count() != tt.recorded {
				t.Errorf("recorded %d, want %d", r.Count(), tt.recorded)
			}
		})
	}
}
