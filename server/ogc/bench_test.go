package ogc

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
)

// benchLegs is how many legs the items benchmarks load:
// FLIGHTWATCH_BENCH_LEGS, default 100000 (the figures in the README are
// for 1000000).
func benchLegs(b *testing.B) int {
	if s := os.Getenv("FLIGHTWATCH_BENCH_LEGS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("FLIGHTWATCH_BENCH_LEGS %q", s)
		}
		return n
	}
	return 100000
}

// legsPerHex is how many legs each synthetic aircraft flew.
const legsPerHex = 50

// benchData writes n legs (one in five a removal) of n/legsPerHex
// aircraft, each with a recorded track, through put.
func benchData(b *testing.B, s store.Store, n int, put func([]flight.Leg) error) {
	ctx := context.Background()
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	batch := make([]flight.Leg, 0, 1000)
	var pts []flight.TrackPoint
	for i := range n {
		hex := fmt.Sprintf("b%05x", i/legsPerHex)
		first := base.Add(time.Duration(i%legsPerHex)*6*time.Hour + time.Duration(i/legsPerHex)*time.Second)
		class := flight.ClassDomestic
		if i%5 == 0 {
			class = flight.ClassRemoval
		}
		batch = append(batch, flight.Leg{ID: hex + "-" + strconv.FormatInt(first.Unix(), 10), Hex: hex, Callsign: fmt.Sprintf("RCH%d", i%1000),
			Status: flight.LegLanded, Origin: "KAEX", ActualDestination: "MGGT", Departed: first, Arrived: first.Add(3 * time.Hour),
			FirstSeen: first, LastSeen: first.Add(3 * time.Hour), LastLat: 14.6, LastLon: -90.5, Class: class})
		if i%legsPerHex == legsPerHex-1 {
			// a track of 20 points per leg-day for the aircraft's last legs
			for k := range 20 {
				pts = append(pts, flight.TrackPoint{Hex: hex, Time: first.Add(time.Duration(k) * 9 * time.Minute), Lat: 31 - float64(k)*0.8, Lon: -92 + float64(k)*0.1})
			}
		}
		if len(batch) == cap(batch) || i == n-1 {
			if err := put(batch); err != nil {
				b.Fatal(err)
			}
			if err := s.AppendTrack(ctx, pts); err != nil {
				b.Fatal(err)
			}
			batch, pts = batch[:0], pts[:0]
		}
	}
}

func benchItems(b *testing.B, s store.Store) {
	srv := httptest.NewServer(http.StripPrefix("/ogc", New(Config{}, Deps{Store: s})))
	defer srv.Close()
	for _, q := range []struct{ name, query string }{
		{"first-page", "limit=100"},
		{"class-filter", "filter=class%20%3D%20%27removal%27&limit=100"},
		{"class-param-offset-10000", "class=removal&limit=100&offset=10000"},
		{"datetime", "datetime=2025-01-05T00:00:00Z/2025-01-06T00:00:00Z&limit=100"},
		{"residual-like", "filter=callsign%20LIKE%20%27RCH99%25%27&limit=100"},
	} {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := http.Get(srv.URL + "/ogc/collections/flights/items?" + q.query)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}

// BenchmarkItemsMemory pages flights out of a memory store holding
// FLIGHTWATCH_BENCH_LEGS legs.
func BenchmarkItemsMemory(b *testing.B) {
	s := memory.New(store.Config{})
	defer s.Close()
	ctx := context.Background()
	benchData(b, s, benchLegs(b), func(legs []flight.Leg) error {
		for _, l := range legs {
			if err := s.PutLeg(ctx, l); err != nil {
				return err
			}
		}
		return nil
	})
	b.ResetTimer()
	benchItems(b, s)
}

// BenchmarkItemsRedis is BenchmarkItemsMemory on the test Redis.
func BenchmarkItemsRedis(b *testing.B) {
	s := redisStore(b)
	benchData(b, s, benchLegs(b), func(legs []flight.Leg) error { return s.PutLegs(context.Background(), legs) })
	b.ResetTimer()
	benchItems(b, s)
}
