package redis

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/storetest"
)

// testSpread writes a few thousand aircraft with tracks, reports over a
// few months and alerts through the store on the cluster, then counts
// the store's keys on each master: none may hold under 15% of them.
func testSpread(t *testing.T, c *testCluster) {
	ctx := context.Background()
	// A fixed prefix on the test's own cluster, whose slots redis-cli
	// always splits the same way: the key spread is the same every run.
	s := newClusterStore(t, c.URL(), "fwtest-spread", storetest.Config())
	t0 := time.Date(2025, 1, 24, 12, 0, 0, 0, time.UTC)
	const nAircraft = 3000
	var batch []flight.Aircraft
	var points []flight.TrackPoint
	for i := range nAircraft {
		a := flight.Aircraft{Observation: flight.Observation{Hex: fmt.Sprintf("%06x", 0xa00000+i*37),
			Time: t0, Lat: 25 + float64(i%240)/10, Lon: -124 + float64(i/240)*4}}
		batch = append(batch, a)
		points = append(points, a.Point())
		if len(batch) == 500 {
			if _, err := s.Write(ctx, &store.Batch{Aircraft: batch, Track: points}); err != nil {
				t.Fatalf("Write() = %v", err)
			}
			batch, points = batch[:0], points[:0]
		}
	}
	var reports []flight.Report
	for i := range 2000 {
		reports = append(reports, flight.Report{ID: fmt.Sprintf("r%d", i), Time: t0.Add(time.Duration(i) * time.Hour),
			Lat: 30 + float64(i%100)/10, Lon: -110 + float64(i%70)/2, Count: 1 + i%5, Category: "unknown", Source: "test"})
	}
	if n, err := s.AddReports(ctx, reports); err != nil || n != len(reports) {
		t.Fatalf("AddReports() = %d, %v; want %d", n, err, len(reports))
	}
	for i := range 200 {
		a := flight.Alert{Key: fmt.Sprintf("k%d", i), Type: flight.AlertDeparted, Time: t0, Hex: "a00000"}
		if _, err := s.AddAlert(ctx, &a); err != nil {
			t.Fatalf("AddAlert() = %v", err)
		}
	}

	cc := s.Client().(*goredis.ClusterClient)
	var mu sync.Mutex
	var addrs []string
	counts := map[string]int{}
	err := cc.ForEachMaster(ctx, func(ctx context.Context, node *goredis.Client) error {
		n := 0
		for _, pattern := range s.k.Patterns() {
			var cursor uint64
			for {
				found, next, err := node.Scan(ctx, cursor, pattern, 1000).Result()
				if err != nil {
					return err
				}
				n += len(found)
				if next == 0 {
					break
				}
				cursor = next
			}
		}
		addr := node.Options().Addr
		mu.Lock()
		addrs = append(addrs, addr)
		counts[addr] = n
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if len(counts) != 3 || total < nAircraft {
		t.Fatalf("keys per master = %v (total %d), want 3 masters holding at least %d", counts, total, nAircraft)
	}
	for _, a := range addrs {
		share := float64(counts[a]) / float64(total)
		t.Logf("master %s holds %d of %d keys (%.1f%%)", a, counts[a], total, 100*share)
		if share < 0.15 {
			t.Errorf("master %s holds %d of %d keys (%.1f%%), want at least 15%%", a, counts[a], total, 100*share)
		}
	}
	// The data reads back through the store.
	if got, err := s.Held(ctx); err != nil || got.Aircraft != nAircraft || got.Reports != len(reports) || got.TrackPoints != nAircraft {
		t.Errorf("Held() = %+v, %v; want %d aircraft and track points, %d reports", got, err, nAircraft, len(reports))
	}
}
