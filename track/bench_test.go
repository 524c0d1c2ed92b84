package track

import (
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/track/watch"
)

func BenchmarkObserve(b *testing.B) {
	const fleet = 2000
	tr := newTracker(Config{}, Deps{Watchlist: watch.New([]watch.Entry{{Name: "rch", CallsignPrefix: []string{"RCH"}}}, nil)})
	hexes := make([]string, fleet)
	for i := range hexes {
		hexes[i] = "a" + strings.Repeat("0", 5-len(itoa(int64(i)))) + itoa(int64(i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			k := i % fleet
			n := i / fleet
			o := flight.Observation{Hex: hexes[k], Time: t0.Add(time.Duration(n) * time.Second), Lat: 20 + float64(k)/100,
				Lon: -100 + float64(n)*0.002, AltFt: 30000, GSKt: 450, TrackDeg: 90, Callsign: "RCH" + itoa(int64(k)),
				Has: flight.HasAlt | flight.HasGS | flight.HasTrack}
			tr.Observe(o)
			i++
		}
	})
}
