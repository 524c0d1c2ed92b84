package redis

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/storetest"
)

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store {
		return newTestStore(b, randomPrefix(b), store.Config{})
	})
}

// BenchmarkIngestBatch times the writes of one ingest batch of 1,000
// aircraft moving over a fleet of 20,000, with a track point each: one
// PutWithTrack, the transactional Write (track points keyed by time), and
// PutAircraft then AppendTrack.
func BenchmarkIngestBatch(b *testing.B) {
	ctx := context.Background()
	fleet := make([]flight.Aircraft, 20000)
	t0 := time.Date(2025, 1, 24, 12, 0, 0, 0, time.UTC)
	for i := range fleet {
		fleet[i] = flight.Aircraft{Observation: flight.Observation{
			Hex: fmt.Sprintf("%06x", i), Time: t0, Lat: 25 + float64(i%240)/10, Lon: -124 + float64(i/240)/2,
			AltFt: 30000, GSKt: 450, TrackDeg: 90, Has: flight.HasAlt | flight.HasGS | flight.HasTrack,
			Callsign: fmt.Sprintf("TST%d", i%10000), Type: "B738", Source: "bench",
		}}
	}
	const batch = 1000
	step := func(i int) ([]flight.Aircraft, []flight.TrackPoint) {
		off := (i * batch) % len(fleet)
		part := fleet[off : off+batch]
		pts := make([]flight.TrackPoint, len(part))
		for j := range part {
			part[j].Time = part[j].Time.Add(time.Second)
			part[j].Lon += 0.001
			pts[j] = part[j].Point()
		}
		return part, pts
	}
	for _, bb := range []struct {
		name string
		put  func(s *Store, ac []flight.Aircraft, pts []flight.TrackPoint) error
	}{
		{"PutWithTrack", func(s *Store, ac []flight.Aircraft, pts []flight.TrackPoint) error {
			return s.PutWithTrack(ctx, ac, pts)
		}},
		{"Write", func(s *Store, ac []flight.Aircraft, pts []flight.TrackPoint) error {
			_, err := s.Write(ctx, &store.Batch{Aircraft: ac, Track: pts})
			return err
		}},
		{"Separate", func(s *Store, ac []flight.Aircraft, pts []flight.TrackPoint) error {
			if err := s.PutAircraft(ctx, ac); err != nil {
				return err
			}
			return s.AppendTrack(ctx, pts)
		}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			s := newTestStore(b, randomPrefix(b), store.Config{TrackLen: 50})
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				ac, pts := step(i)
				if err := bb.put(s, ac, pts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "updates/s")
		})
	}
}
