package partition

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/ingest"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	fwredis "github.com/flightwatch/flightwatch/store/redis"
	"github.com/flightwatch/flightwatch/track"
)

// BenchmarkIngest feeds batches of 1,000 observations of 5,000 cruising
// aircraft into one instance, through the pipeline alone and through the
// router in front of it (the instance owning every partition), on the
// memory store and on the test Redis: the router's cost when one instance
// is alone.
func BenchmarkIngest(b *testing.B) {
	c, prefix := testClient(b)
	stores := map[string]func() store.Store{
		"memory": func() store.Store { return memory.New(store.Config{}) },
		"redis":  func() store.Store { return fwredis.NewWithClient(c, prefix, store.Config{}) },
	}
	for _, sname := range []string{"memory", "redis"} {
		for _, route := range []string{"pipeline", "router"} {
			b.Run(sname+"/"+route, func(b *testing.B) {
				st := stores[sname]()
				if rs, ok := st.(*fwredis.Store); ok {
					defer rs.Drop(context.Background())
				}
				tr := track.New(track.Config{}, track.Deps{Airports: geo.Airports()})
				p := ingest.New(st, memory.NewBus(), tr, ingest.Options{})
				var in interface {
					Ingest(context.Context, []flight.Observation) error
				} = p
				if route == "router" {
					l, err := NewLeases(c, prefix, LeaseConfig{Instance: "bench"})
					if err != nil {
						b.Fatal(err)
					}
					r := NewRouter(c, prefix, l, p, tr, st, RouterConfig{})
					if err := l.Step(context.Background(), r); err != nil || l.NumOwned() != Count {
						b.Fatalf("leases: %v, owned %d", err, l.NumOwned())
					}
					defer l.Leave(context.Background(), r)
					tr.SetOwner(l.OwnsKey)
					in = r
				}
				benchFlying(b, in)
			})
		}
	}
}

func benchFlying(b *testing.B, in interface {
	Ingest(context.Context, []flight.Observation) error
}) {
	const nAircraft, batch = 5000, 1000
	ctx := context.Background()
	t0 := time.Now().UTC().Add(-time.Hour)
	buf := make([]flight.Observation, batch)
	seq := 0
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		for j := range buf {
			i := seq % nAircraft
			step := seq / nAircraft
			buf[j] = flight.Observation{Hex: fmt.Sprintf("a%05x", i), Time: t0.Add(time.Duration(step) * 5 * time.Second),
				Lat: 25 + float64(i%100)*0.2, Lon: -120 + float64(i/100)*0.8 + float64(step)*0.01, AltFt: 35000, GSKt: 450,
				TrackDeg: 90, Source: "bench", Has: flight.HasAlt | flight.HasGS | flight.HasTrack}
			seq++
		}
		if err := in.Ingest(ctx, buf); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "obs/s")
}
