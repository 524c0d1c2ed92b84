package redis

import (
	"context"
	"fmt"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/redis/internal/codec"
	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
)

// BenchmarkWriteFloor compares the store's Write of a batch of 1,000
// moving aircraft (of a fleet of 20,000) with the floor any index of the
// same data costs: one pipeline of a raw HSET (state), ZADD (last seen)
// and SADD (cell) per observation, the encoding and the cell lookup
// included. The ratio of their updates/s is the store's share of the
// floor.
func BenchmarkWriteFloor(b *testing.B) {
	ctx := context.Background()
	const n, batch = 20000, 1000
	t0 := time.Date(2025, 1, 24, 12, 0, 0, 0, time.UTC)
	newFleet := func() []flight.Aircraft {
		out := make([]flight.Aircraft, n)
		for i := range out {
			out[i] = flight.Aircraft{Observation: flight.Observation{
				Hex: fmt.Sprintf("%06x", i), Time: t0, Lat: 25 + float64(i%240)/10, Lon: -124 + float64(i/240)/2,
				AltFt: 30000, GSKt: 450, TrackDeg: 90, Has: flight.HasAlt | flight.HasGS | flight.HasTrack,
				Callsign: fmt.Sprintf("TST%d", i%10000), Type: "B738", Source: "bench",
			}}
		}
		return out
	}
	step := func(fleet []flight.Aircraft, i int) []flight.Aircraft {
		off := (i * batch) % len(fleet)
		part := fleet[off : off+batch]
		for j := range part {
			part[j].Time = part[j].Time.Add(time.Second)
			part[j].Lon += 0.001
		}
		return part
	}
	run := func(b *testing.B, write func(s *Store, part []flight.Aircraft) error) {
		s := newTestStore(b, randomPrefix(b), store.Config{TrackLen: 50})
		fleet := newFleet()
		for i := 0; i < n/batch; i++ { // every aircraft stored and indexed once
			if err := write(s, step(fleet, i)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			if err := write(s, step(fleet, i)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "updates/s")
	}
	b.Run("raw", func(b *testing.B) {
		var buf []byte
		run(b, func(s *Store, part []flight.Aircraft) error {
			pipe := s.client.Pipeline()
			for i := range part {
				a := &part[i]
				p := keyspace.Partition(a.Hex)
				buf = codec.AppendAircraft(buf[:0], a)
				pipe.HSet(ctx, s.k.Aircraft(p), a.Hex, string(buf))
				pipe.ZAdd(ctx, s.k.Seen(p), goredisZ(a))
				pipe.SAdd(ctx, s.k.Cell(geo.Cell(a.Lat, a.Lon, s.cfg.H3Res)), a.Hex)
			}
			_, err := pipe.Exec(ctx)
			return err
		})
	})
	b.Run("Write", func(b *testing.B) {
		run(b, func(s *Store, part []flight.Aircraft) error {
			_, err := s.Write(ctx, &store.Batch{Aircraft: part})
			return err
		})
	})
	b.Run("PutAircraft", func(b *testing.B) {
		run(b, func(s *Store, part []flight.Aircraft) error { return s.PutAircraft(ctx, part) })
	})
}

func goredisZ(a *flight.Aircraft) goredis.Z {
	return goredis.Z{Score: float64(a.Time.UnixMicro()), Member: a.Hex}
}
