package storetest

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
)

func report(id string, at time.Time, lat, lon float64, count int, source string) flight.Report {
	return flight.Report{ID: id, Time: at, Lat: lat, Lon: lon, Count: count, Category: "unknown", Source: source}
}

func testReportsIdempotent(t *testing.T, s store.Store) {
	ctx := context.Background()
	r1 := report("r1", t0, 40.73, -74.17, 3, "news")
	r2 := report("r2", t0.Add(time.Hour), 40.74, -74.16, 2, "")
	n, err := s.AddReports(ctx, []flight.Report{r1, r2, r1})
	if err != nil || n != 2 {
		t.Fatalf("AddReports(r1, r2, r1) = %d, %v; want 2", n, err)
	}
	r1changed := r1
	r1changed.Count = 100
	n, err = s.AddReports(ctx, []flight.Report{r1changed, r2})
	if err != nil || n != 0 {
		t.Fatalf("AddReports(again) = %d, %v; want 0", n, err)
	}
	// an id is unique whatever the time: a re-sent report moved to
	// another month (and another place) is still the one already stored
	r1moved := r1
	r1moved.Time = t0.AddDate(0, 2, 0)
	r1moved.Lat, r1moved.Lon = 31.76, -106.49
	if n, err := s.AddReports(ctx, []flight.Report{r1moved}); err != nil || n != 0 {
		t.Fatalf("AddReports(r1 two months later) = %d, %v; want 0", n, err)
	}
	got, err := s.Reports(ctx, store.ReportQuery{})
	if err != nil || !reflect.DeepEqual(got, []flight.Report{r1, r2}) {
		t.Errorf("Reports() = %+v, %v; want [r1 r2]", got, err)
	}
	cells, err := s.Cells(ctx, store.CellQuery{Res: 5})
	if err != nil {
		t.Fatal(err)
	}
	want := brute([]flight.Report{r1, r2}, store.CellQuery{Res: 5})
	if !reflect.DeepEqual(cells, want) {
		t.Errorf("Cells(res 5) = %+v, want %+v", cells, want)
	}
	if n, err := s.AddReports(ctx, nil); err != nil || n != 0 {
		t.Errorf("AddReports(nil) = %d, %v", n, err)
	}
}

func testReportsConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	reports := randomReports(200, 7)
	const workers = 6
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	var firstErr error
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each worker posts the same reports in its own order and batches.
			mine := slices.Clone(reports)
			rand.New(rand.NewPCG(uint64(w), 9)).Shuffle(len(mine), func(i, j int) { mine[i], mine[j] = mine[j], mine[i] })
			for i := 0; i < len(mine); i += 37 {
				n, err := s.AddReports(ctx, mine[i:min(i+37, len(mine))])
				mu.Lock()
				total += n
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		t.Fatal(firstErr)
	}
	if total != len(reports) {
		t.Errorf("concurrent AddReports added %d in all, want %d", total, len(reports))
	}
	for _, res := range Config().ReportRes {
		q := store.CellQuery{Res: res}
		got, err := s.Cells(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if want := brute(reports, q); !reflect.DeepEqual(got, want) {
			t.Errorf("Cells(res %d) after concurrent adds differs from a count of the reports:\n got %v\nwant %v", res, got, want)
		}
	}
}

// randomReports spreads n reports over three days and a few cities.
func randomReports(n int, seed uint64) []flight.Report {
	rng := rand.New(rand.NewPCG(seed, 1))
	cities := []orb.Point{{-74.17, 40.73}, {-118.24, 34.05}, {-87.63, 41.88}, {-95.37, 29.76}, {-80.19, 25.76}}
	sources := []string{"news", "ice", "", "tips"}
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	out := make([]flight.Report, n)
	for i := range out {
		c := cities[rng.IntN(len(cities))]
		at := start.Add(time.Duration(rng.Int64N(int64(72 * time.Hour))))
		out[i] = report(fmt.Sprintf("rnd-%d-%d", seed, i), at, c[1]+rng.Float64()*0.5-0.25, c[0]+rng.Float64()*0.5-0.25,
			1+rng.IntN(20), sources[rng.IntN(len(sources))])
	}
	return out
}

// monthReports spreads n reports from 20 January to 10 May 2025 over the
// same cities as randomReports, plus reports at the first and the last
// instant of some months, so that windows cross and cover month ends.
func monthReports(n int, seed uint64) []flight.Report {
	rng := rand.New(rand.NewPCG(seed, 2))
	cities := []orb.Point{{-74.17, 40.73}, {-118.24, 34.05}, {-87.63, 41.88}, {-95.37, 29.76}, {-80.19, 25.76}}
	sources := []string{"news", "ice", "", "tips"}
	start := time.Date(2025, 1, 20, 0, 0, 0, 0, time.UTC)
	span := time.Date(2025, 5, 10, 0, 0, 0, 0, time.UTC).Sub(start)
	out := make([]flight.Report, 0, n+12)
	for i := range n {
		c := cities[rng.IntN(len(cities))]
		at := start.Add(time.Duration(rng.Int64N(int64(span))))
		out = append(out, report(fmt.Sprintf("mon-%d-%d", seed, i), at, c[1]+rng.Float64()*0.5-0.25, c[0]+rng.Float64()*0.5-0.25,
			1+rng.IntN(20), sources[rng.IntN(len(sources))]))
	}
	for _, m := range []time.Month{time.February, time.March, time.April, time.May} {
		edge := time.Date(2025, m, 1, 0, 0, 0, 0, time.UTC)
		// Sources with the separators of packed aggregates and non-ASCII.
		out = append(out, report(fmt.Sprintf("mon-%d-first-%d", seed, m), edge, 40.7, -74, 2, "edge, 1:2"),
			report(fmt.Sprintf("mon-%d-last-%d", seed, m), edge.Add(-time.Nanosecond), 40.7, -74, 3, "edge,ü:"),
			report(fmt.Sprintf("mon-%d-mid-%d", seed, m), edge.Add(36*time.Hour), 40.7, -74, 4, "edge,ü:"))
	}
	return out
}

// brute counts reports per cell the slow way: the expected Cells answer.
func brute(reports []flight.Report, q store.CellQuery) []store.CellCount {
	sum := make(map[uint64]*store.CellCount)
	var since time.Time
	if !q.Since.IsZero() {
		since = q.Since.UTC().Truncate(24 * time.Hour)
	}
	for _, r := range reports {
		day := r.Time.UTC().Truncate(24 * time.Hour)
		if (!since.IsZero() && day.Before(since)) || (!q.Until.IsZero() && !day.Before(q.Until)) {
			continue
		}
		cell := geo.Cell(r.Lat, r.Lon, q.Res)
		if !geo.InBound(q.BBox, geo.CellCenter(cell)) {
			continue
		}
		c := sum[cell]
		if c == nil {
			c = &store.CellCount{Cell: cell, Res: q.Res, Sources: map[string]int{}}
			sum[cell] = c
		}
		src := r.Source
		if src == "" {
			src = "unknown"
		}
		c.Count += r.Count
		c.Reports++
		c.Sources[src] += r.Count
	}
	out := make([]store.CellCount, 0, len(sum))
	for _, k := range slices.Sorted(maps.Keys(sum)) {
		out = append(out, *sum[k])
	}
	return out
}

func testCells(t *testing.T, s store.Store) {
	ctx := context.Background()
	reports := append(randomReports(500, 3), monthReports(1500, 4)...)
	for i := 0; i < len(reports); i += 400 {
		part := reports[i:min(i+400, len(reports))]
		if n, err := s.AddReports(ctx, part); err != nil || n != len(part) {
			t.Fatalf("AddReports() = %d, %v; want %d", n, err, len(part))
		}
	}
	day := func(d int) time.Time { return time.Date(2025, 3, d, 0, 0, 0, 0, time.UTC) }
	date := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 0, 0, 0, 0, time.UTC) }
	east := orb.Bound{Min: orb.Point{-100, 24}, Max: orb.Point{-70, 45}}
	windows := []struct {
		name         string
		since, until time.Time
		bbox         orb.Bound
	}{
		{"all days", time.Time{}, time.Time{}, orb.Bound{}},
		{"first day", day(1), day(2), orb.Bound{}},
		{"from mid second day", day(2).Add(13 * time.Hour), time.Time{}, orb.Bound{}},
		{"until mid second day", time.Time{}, day(2).Add(time.Hour), orb.Bound{}},
		{"days 2-3 in the east", day(2), day(4), east},
		{"before any report", day(1).AddDate(0, 0, -5), day(1), orb.Bound{}},
		{"after every report", day(10), time.Time{}, orb.Bound{}},
		{"bbox only", time.Time{}, time.Time{}, orb.Bound{Min: orb.Point{-75, 40}, Max: orb.Point{-73, 42}}},
		{"mid march to mid april", date(3, 15).Add(12 * time.Hour), date(4, 10).Add(6 * time.Hour), orb.Bound{}},
		{"two whole months", date(3, 1), date(5, 1), orb.Bound{}},
		{"one whole month", date(2, 1), date(3, 1), orb.Bound{}},
		{"whole months and partial ends", date(2, 14).Add(time.Hour), date(5, 5).Add(time.Minute), orb.Bound{}},
		{"whole months and partial ends in the east", date(1, 25), date(4, 20), east},
		{"month from an odd hour of its first day", date(4, 1).Add(5 * time.Hour), date(5, 1), orb.Bound{}},
		{"month and a nanosecond of the next", date(3, 1), date(4, 1).Add(time.Nanosecond), orb.Bound{}},
		{"month less its last day", date(4, 1), date(4, 30), orb.Bound{}},
		{"from mid month on", date(3, 20).Add(7 * time.Hour), time.Time{}, orb.Bound{}},
		{"until mid month", time.Time{}, date(4, 12).Add(time.Hour), orb.Bound{}},
		{"from a month start on", date(4, 1), time.Time{}, orb.Bound{}},
		{"until a month start", time.Time{}, date(3, 1), orb.Bound{}},
		{"last day of a month", date(3, 31), date(4, 1), orb.Bound{}},
	}
	for _, res := range Config().ReportRes {
		for _, w := range windows {
			t.Run(fmt.Sprintf("res %d %s", res, w.name), func(t *testing.T) {
				q := store.CellQuery{Res: res, BBox: w.bbox, Since: w.since, Until: w.until}
				got, err := s.Cells(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				want := brute(reports, q)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("Cells(%+v) = %d cells, want %d\n got %v\nwant %v", q, len(got), len(want), got, want)
				}
			})
		}
	}
}

func testCellsBadRes(t *testing.T, s store.Store) {
	_, err := s.Cells(context.Background(), store.CellQuery{Res: 4})
	if err == nil {
		t.Errorf("Cells(res 4, not aggregated) = nil error, want one")
	}
}

func testReportsQuery(t *testing.T, s store.Store) {
	ctx := context.Background()
	reports := randomReports(300, 5)
	// A report at an exact day boundary and one a nanosecond before it.
	edge := time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)
	reports = append(reports, report("edge", edge, 40.7, -74, 1, "x"), report("pre-edge", edge.Add(-time.Nanosecond), 40.7, -74, 1, "x"))
	if _, err := s.AddReports(ctx, reports); err != nil {
		t.Fatal(err)
	}
	ny := orb.Bound{Min: orb.Point{-75, 40}, Max: orb.Point{-73, 42}}
	tests := []struct {
		name string
		q    store.ReportQuery
	}{
		{"all", store.ReportQuery{}},
		{"bbox", store.ReportQuery{BBox: ny}},
		{"since edge inclusive", store.ReportQuery{Since: edge}},
		{"until edge exclusive", store.ReportQuery{Until: edge}},
		{"window and bbox", store.ReportQuery{BBox: ny, Since: edge.Add(-6 * time.Hour), Until: edge.Add(30 * time.Hour)}},
		{"limit", store.ReportQuery{Limit: 7}},
		{"limit across days", store.ReportQuery{Since: edge.Add(-time.Hour), Limit: 150}},
		{"empty window", store.ReportQuery{Since: edge, Until: edge}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Reports(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var want []flight.Report
			for _, r := range reports {
				if (tc.q.Since.IsZero() || !r.Time.Before(tc.q.Since)) && (tc.q.Until.IsZero() || r.Time.Before(tc.q.Until)) &&
					geo.InBound(tc.q.BBox, orb.Point{r.Lon, r.Lat}) {
					want = append(want, r)
				}
			}
			slices.SortFunc(want, func(a, b flight.Report) int {
				if c := a.Time.Compare(b.Time); c != 0 {
					return c
				}
				return cmpString(a.ID, b.ID)
			})
			if tc.q.Limit > 0 && len(want) > tc.q.Limit {
				want = want[:tc.q.Limit]
			}
			if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
				t.Errorf("Reports(%+v) = %d reports, want %d", tc.q, len(got), len(want))
			}
		})
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
