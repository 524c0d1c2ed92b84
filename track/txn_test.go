package track

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
)

func txnObs(hex string, t0 time.Time, i int) flight.Observation {
	return flight.Observation{Hex: hex, Time: t0.Add(time.Duration(i) * 10 * time.Second), Lat: 30, Lon: -100 + float64(i)*0.02,
		AltFt: 30000, GSKt: 420, TrackDeg: 90, Has: flight.HasAlt | flight.HasGS | flight.HasTrack}
}

func TestTxnRollbackRestores(t *testing.T) {
	t0 := time.Date(2025, 1, 24, 15, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		before   int // observations committed first
		rollback int // observations rolled back
	}{
		{"new aircraft", 0, 3},
		{"known aircraft", 2, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTracker(Config{}, Deps{Airports: geo.Airports()})
			tx := tr.Begin()
			for i := range tc.before {
				if r := tx.Observe(txnObs("ae0001", t0, i)); !r.Accepted {
					t.Fatalf("Observe #%d: %s", i, r.Reason)
				}
			}
			tx.Commit()
			before, known := tr.Aircraft("ae0001")
			tx = tr.Begin()
			for i := tc.before; i < tc.before+tc.rollback; i++ {
				tx.Observe(txnObs("ae0001", t0, i))
			}
			tx.Rollback()
			after, still := tr.Aircraft("ae0001")
			if known != still || !after.Time.Equal(before.Time) {
				t.Errorf("after rollback: known %v at %v, want %v at %v", still, after.Time, known, before.Time)
			}
			// The same observations again are new to the tracker.
			tx = tr.Begin()
			for i := tc.before; i < tc.before+tc.rollback; i++ {
				if r := tx.Observe(txnObs("ae0001", t0, i)); !r.Accepted || !r.Trail {
					t.Errorf("retry #%d: accepted %v trail %v (%s), want a new trail point", i, r.Accepted, r.Trail, r.Reason)
				}
			}
			tx.Commit()
		})
	}
}

func TestTxnConcurrent(t *testing.T) {
	tr := newTracker(Config{}, Deps{Airports: geo.Airports()})
	t0 := time.Date(2025, 1, 24, 15, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				tx := tr.Begin()
				for a := range 20 {
					// Aircraft shared by two goroutines, and a goroutine's own.
					tx.Observe(txnObs(fmt.Sprintf("s%05x", a), t0, i))
					tx.Observe(txnObs(fmt.Sprintf("g%d%04x", g, a), t0, i))
				}
				if i%3 == 0 {
					tx.Rollback()
				} else {
					tx.Commit()
				}
			}
		}()
	}
	wg.Wait()
	for g := range 4 {
		a, ok := tr.Aircraft(fmt.Sprintf("g%d0000", g))
		if !ok || !a.Time.Equal(t0.Add(199*10*time.Second)) {
			t.Errorf("own aircraft of goroutine %d at %v (%v), want the last committed fix", g, a.Time, ok)
		}
	}
}
