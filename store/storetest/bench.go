package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// fleet places n aircraft, two thirds over the continental US and the
// rest anywhere in the world.
func fleet(n int, seed uint64) []flight.Aircraft {
	rng := rand.New(rand.NewPCG(seed, 3))
	out := make([]flight.Aircraft, n)
	for i := range out {
		var lat, lon float64
		if i%3 == 2 {
			lat, lon = rng.Float64()*140-70, rng.Float64()*360-180
		} else {
			lat, lon = 25+rng.Float64()*24, -124+rng.Float64()*57
		}
		out[i] = flight.Aircraft{Observation: flight.Observation{
			Hex: fmt.Sprintf("%06x", i), Time: t0, Lat: lat, Lon: lon,
			AltFt: 30000, GSKt: 450, TrackDeg: 90, Has: flight.HasAlt | flight.HasGS | flight.HasTrack,
			Callsign: fmt.Sprintf("TST%d", i%10000), Type: "B738", Source: "bench",
		}}
	}
	return out
}

// Bench runs the store benchmarks against stores made by factory: aircraft
// updates, a continental bbox query over 20,000 aircraft, report adds and
// a month of cell aggregates. Stores must start empty.
func Bench(b *testing.B, factory func(b *testing.B) store.Store) {
	ctx := context.Background()
	b.Run("PutAircraft", func(b *testing.B) {
		s := factory(b)
		all := fleet(20000, 1)
		const batch = 1000
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			off := (i * batch) % len(all)
			part := all[off : off+batch]
			for j := range part {
				part[j].Time = part[j].Time.Add(time.Second)
				part[j].Lon += 0.01
				if part[j].Lon > 180 {
					part[j].Lon -= 360
				}
			}
			if err := s.PutAircraft(ctx, part); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "updates/s")
	})
	for _, bb := range []struct {
		name string
		bbox orb.Bound
	}{
		{"AircraftInContinental", orb.Bound{Min: orb.Point{-130, 20}, Max: orb.Point{-60, 55}}},
		{"AircraftInRegion", orb.Bound{Min: orb.Point{-80, 35}, Max: orb.Point{-70, 45}}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			s := factory(b)
			all := fleet(20000, 2)
			for i := 0; i < len(all); i += 2000 {
				if err := s.PutAircraft(ctx, all[i:i+2000]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			n := 0
			for i := 0; i < b.N; i++ {
				got, err := s.AircraftIn(ctx, bb.bbox)
				if err != nil {
					b.Fatal(err)
				}
				n = len(got)
			}
			b.ReportMetric(float64(n), "aircraft/op")
		})
	}
	b.Run("AddReports", func(b *testing.B) {
		s := factory(b)
		const batch = 500
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		for i := 0; i < b.N; i++ {
			rs := randomReports(batch, uint64(i)+1000)
			if _, err := s.AddReports(ctx, rs); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "reports/s")
	})
	b.Run("CellsMonth", func(b *testing.B) {
		s := factory(b)
		rng := rand.New(rand.NewPCG(4, 4))
		month := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
		total := benchReports()
		rs := make([]flight.Report, 0, 1000)
		for i := range total {
			rs = append(rs, report(fmt.Sprintf("m%d", i), month.Add(time.Duration(rng.Int64N(int64(30*24*time.Hour)))),
				25+rng.Float64()*24, -124+rng.Float64()*57, 1+rng.IntN(9), []string{"a", "b", "c"}[rng.IntN(3)]))
			if len(rs) == cap(rs) {
				if _, err := s.AddReports(ctx, rs); err != nil {
					b.Fatal(err)
				}
				rs = rs[:0]
			}
		}
		q := store.CellQuery{Res: 5, BBox: orb.Bound{Min: orb.Point{-130, 20}, Max: orb.Point{-60, 55}},
			Since: month, Until: month.AddDate(0, 1, 0)}
		b.ReportAllocs()
		b.ResetTimer()
		n := 0
		for i := 0; i < b.N; i++ {
			got, err := s.Cells(ctx, q)
			if err != nil {
				b.Fatal(err)
			}
			n = len(got)
		}
		b.ReportMetric(float64(n), "cells/op")
		b.ReportMetric(float64(total), "reports")
	})
}

// benchReports is how many reports CellsMonth loads: 20,000, or
// FLIGHTWATCH_BENCH_REPORTS (e.g. 1000000 for the one-million case).
func benchReports() int {
	if n, err := strconv.Atoi(os.Getenv("FLIGHTWATCH_BENCH_REPORTS")); err == nil && n > 0 {
		return n
	}
	return 20000
}
