package ingest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
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
