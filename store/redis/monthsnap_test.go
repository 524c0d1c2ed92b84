package redis

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/query"
	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
)

// TestCellsMonthSeesOtherInstance reads a whole month on one instance,
// adds reports to it through another sharing the Redis, and reads again:
// the first instance's cached month gives way to the new counts. A month
// aggregate without a token is read anew each time.
func TestCellsMonthSeesOtherInstance(t *testing.T) {
	ctx := context.Background()
	prefix := randomPrefix(t)
	a := newTestStore(t, prefix, store.Config{})
	b := newTestStore(t, prefix, store.Config{})
	month := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	q := store.CellQuery{Res: 5, BBox: orb.Bound{Min: orb.Point{-80, 35}, Max: orb.Point{-70, 45}},
		Since: month, Until: month.AddDate(0, 1, 0).Add(-time.Second)}
	add := func(s *Store, round, n int) {
		t.Helper()
		rs := make([]flight.Report, n)
		for i := range rs {
			rs[i] = flight.Report{ID: fmt.Sprintf("r%d-%d", round, i), Time: month.Add(time.Duration(i) * time.Hour),
				Lat: 40.7 + float64(i%5)/10, Lon: -74 + float64(i%3)/10, Count: 2, Category: "unknown", Source: "news"}
		}
		if _, err := s.AddReports(ctx, rs); err != nil {
			t.Fatal(err)
		}
	}
	total := func(cells []store.CellCount) (people, reports int) {
		for _, c := range cells {
			people += c.Count
			reports += c.Reports
		}
		return people, reports
	}
	cells := func(s *Store) []store.CellCount {
		t.Helper()
		got, err := s.Cells(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	add(a, 0, 30)
	first := cells(a)
	if p, r := total(first); p != 60 || r != 30 {
		t.Fatalf("Cells after 30 reports = %d people, %d reports; want 60, 30", p, r)
	}
	for i := range first { // the caller's copy is its own
		first[i].Count = 0
		first[i].Sources["x"] = 1
	}
	if again := cells(a); !reflect.DeepEqual(again, cells(b)) {
		t.Fatalf("Cells on the caching instance = %v, on the other %v", again, cells(b))
	}
	add(b, 1, 10)
	if p, r := total(cells(a)); p != 80 || r != 40 {
		t.Errorf("Cells after the other instance added 10 = %d people, %d reports; want 80, 40", p, r)
	}
	// An aggregate without a token (an older writer's) is read every time.
	key := a.k.MonthAgg(5, query.Month(query.Day(month)))
	if err := a.client.HDel(ctx, key, tokenField).Err(); err != nil {
		t.Fatal(err)
	}
	_ = cells(a)
	var c0 string
	for _, c := range cells(b) {
		c0 = keyspace.CellName(c.Cell)
		break
	}
	if err := a.client.HSet(ctx, key, c0, "1000,1").Err(); err != nil {
		t.Fatal(err)
	}
	if p, _ := total(cells(a)); p <= 80 {
		t.Errorf("Cells after an untokened change = %d people, want more than 80", p)
	}
}
