package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	fwredis "github.com/flightwatch/flightwatch/store/redis"
	"github.com/flightwatch/flightwatch/track"
)

// BenchmarkPipelineIngest times batches of 1,000 observations over a fleet
// of 20,000 aircraft through the tracker into the memory store.
func BenchmarkPipelineIngest(b *testing.B) {
	ctx := context.Background()
	st := memory.New(store.Config{TrackLen: 50})
	tr := track.New(track.Config{}, track.Deps{Airports: geo.Airports()})
	p := New(st, memory.NewBus(), tr, Options{})
	const fleet, batch = 20000, 1000
	t0 := time.Now().UTC().Add(-time.Hour)
	steps := make([]int, fleet)
	obs := make([]flight.Observation, batch)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		for j := range obs {
			a := (i*batch + j) % fleet
			k := steps[a]
			steps[a]++
			obs[j] = flight.Observation{Hex: fmt.Sprintf("%06x", a), Time: t0.Add(time.Duration(k) * 5 * time.Second),
				Lat: 25 + float64(a%240)/10, Lon: -124 + float64(a/240)/2 + float64(k)*0.01,
				AltFt: 30000, GSKt: 450, TrackDeg: 90, Has: flight.HasAlt | flight.HasGS | flight.HasTrack}
		}
		if err := p.Ingest(ctx, obs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "obs/s")
}

// BenchmarkIngestFlying feeds batches of 1,000 observations of 5,000
// cruising aircraft (one fix per aircraft every 5 s) through the tracker
// into the memory store: the steady state of a busy feed.
func BenchmarkIngestFlying(b *testing.B) {
	benchFlying(b, memory.New(store.Config{}))
}

// BenchmarkIngestFlyingRedis is BenchmarkIngestFlying on the test Redis
// (FLIGHTWATCH_TEST_REDIS_URL) under a private prefix.
func BenchmarkIngestFlyingRedis(b *testing.B) {
	url := os.Getenv("FLIGHTWATCH_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/15"
	}
	var rb [6]byte
	_, _ = rand.Read(rb[:])
	st, err := fwredis.New(context.Background(), url, "fwbench-"+hex.EncodeToString(rb[:]), store.Config{})
	if err != nil {
		b.Skipf("no Redis at %s: %v", url, err)
	}
	defer func() {
		_ = st.Drop(context.Background())
		st.Close()
	}()
	benchFlying(b, st)
}

func benchFlying(b *testing.B, st store.Store) {
	const nAircraft, batch = 5000, 1000
	tr := track.New(track.Config{}, track.Deps{Airports: geo.Airports()})
	p := New(st, memory.NewBus(), tr, Options{})
	ctx := context.Background()
	t0 := time.Date(2025, 1, 24, 12, 0, 0, 0, time.UTC)
	buf := make([]flight.Observation, batch)
	seq := 0
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for j := range buf {
			i := seq % nAircraft
			step := seq / nAircraft
			lat := 25 + float64(i%100)*0.2
			lon := -120 + float64(i/100)*0.8 + float64(step)*0.01
			buf[j] = flight.Observation{Hex: fmt.Sprintf("a%05x", i), Time: t0.Add(time.Duration(step) * 5 * time.Second),
				Lat: lat, Lon: lon, AltFt: 35000, GSKt: 450, TrackDeg: 90, Source: "bench",
				Has: flight.HasAlt | flight.HasGS | flight.HasTrack}
			seq++
		}
		if err := p.Ingest(ctx, buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "obs/s")
}
