package memory

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

var benchT0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// flying returns n airborne aircraft, their legs and one track point and
// one leg-line point each, all at time at.
func flying(n int, at time.Time, step int) ([]flight.Aircraft, []flight.Leg, []flight.TrackPoint, []store.LegPoints) {
	ac := make([]flight.Aircraft, n)
	legs := make([]flight.Leg, n)
	pts := make([]flight.TrackPoint, n)
	lines := make([]store.LegPoints, n)
	for i := range n {
		hex := fmt.Sprintf("%06x", i)
		lat, lon := 25+float64(i%240)/10+float64(step)*1e-3, -124+float64(i/240%570)/10+float64(step)*2e-3
		o := flight.Observation{Hex: hex, Time: at, Lat: lat, Lon: lon, AltFt: float64(30000 + i%40*25), GSKt: 450,
			TrackDeg: 90, Has: flight.HasAlt | flight.HasGS | flight.HasTrack, Callsign: fmt.Sprintf("TST%d", i%10000),
			Type: "B738", Source: "bench"}
		ac[i] = flight.Aircraft{Observation: o}
		legs[i] = flight.Leg{ID: hex + "-1748779200", Hex: hex, Callsign: o.Callsign, Type: "B738", Status: flight.LegAirborne,
			Origin: "KJFK", FirstSeen: benchT0, LastSeen: at, Departed: benchT0, LastLat: lat, LastLon: lon}
		pts[i] = o.Point()
		lines[i] = store.LegPoints{Leg: legs[i].ID, Points: pts[i : i+1]}
	}
	return ac, legs, pts, lines
}

// load writes k steps of n flying aircraft, 5 s apart, in batches of
// 1,000, as the tracker does (without leg lines when noLines).
func load(b *testing.B, s *Store, n, k int, noLines ...bool) {
	ctx := context.Background()
	for step := range k {
		ac, legs, pts, lines := flying(n, benchT0.Add(time.Duration(step)*5*time.Second), step)
		if len(noLines) > 0 && noLines[0] {
			lines = nil
		}
		for i := 0; i < n; i += 1000 {
			j := min(i+1000, n)
			bt := &store.Batch{Aircraft: ac[i:j], Legs: legs[i:j], Track: pts[i:j]}
			if lines != nil {
				bt.LegLines = lines[i:j]
			}
			if _, err := s.Write(ctx, bt); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func heapAlloc() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkFootprint loads 2,000 flying aircraft, first with one point
// each, then with 360 track points each (a 30-minute trail at one point
// per 5 s, with its leg line), and reports the live heap per aircraft
// (state, leg, first point) and per further track point (ring and leg
// line); B/track-point is the same without leg lines.
func BenchmarkFootprint(b *testing.B) {
	const n, k = 2000, 360
	for b.Loop() {
		base := heapAlloc()
		s := New(store.Config{})
		load(b, s, n, 1)
		one := heapAlloc()
		load(b, s, n, k)
		all := heapAlloc()
		runtime.KeepAlive(s)
		b.ReportMetric(float64(one-base)/n, "B/aircraft")
		b.ReportMetric(float64(all-one)/float64(n*(k-1)), "B/point")

		s = New(store.Config{})
		load(b, s, n, 1, true)
		one = heapAlloc()
		load(b, s, n, k, true)
		all = heapAlloc()
		runtime.KeepAlive(s)
		b.ReportMetric(float64(all-one)/float64(n*(k-1)), "B/track-point")
	}
}

// BenchmarkWriteFlying writes batches of 1,000 of 20,000 flying aircraft
// (state, leg, track point, leg-line point), each batch 5 s after the
// previous one of the same aircraft.
func BenchmarkWriteFlying(b *testing.B) {
	ctx := context.Background()
	const n, batch = 20000, 1000
	s := New(store.Config{TrackLen: 360})
	load(b, s, n, 1)
	steps := make([]*store.Batch, 0, 8*n/batch)
	for step := range 8 {
		ac, legs, pts, lines := flying(n, benchT0.Add(time.Duration(step+1)*5*time.Second), step+1)
		for i := 0; i < n; i += batch {
			steps = append(steps, &store.Batch{Aircraft: ac[i : i+batch], Legs: legs[i : i+batch], Track: pts[i : i+batch],
				LegLines: lines[i : i+batch]})
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		bt := steps[i%len(steps)]
		if i > 0 && i%len(steps) == 0 { // a further lap: move every time on
			for _, st := range steps {
				shift(st, 8*5*time.Second)
			}
		}
		if _, err := s.Write(ctx, bt); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(batch), "aircraft/op")
}

func shift(b *store.Batch, d time.Duration) {
	for i := range b.Aircraft {
		b.Aircraft[i].Time = b.Aircraft[i].Time.Add(d)
		b.Legs[i].LastSeen = b.Legs[i].LastSeen.Add(d)
		b.Track[i].Time = b.Track[i].Time.Add(d)
	}
}
