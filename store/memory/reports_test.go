package memory

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
)

// TestCellsOneTableFollowsAdds checks the answer of a query that reads
// one aggregate table (a whole month), which comes from the table's
// snapshot, against sums over the reports, before and after more reports
// are added, and that changing an answer leaves the next one whole.
func TestCellsOneTableFollowsAdds(t *testing.T) {
	ctx := context.Background()
	s := New(store.Config{})
	month := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	bbox := orb.Bound{Min: orb.Point{-100, 30}, Max: orb.Point{-80, 45}}
	q := store.CellQuery{Res: 5, BBox: bbox, Since: month, Until: month.AddDate(0, 1, 0).Add(-time.Second)}
	rng := rand.New(rand.NewPCG(7, 7))
	var all []flight.Report
	for round := range 3 {
		var rs []flight.Report
		for i := range 400 {
			rs = append(rs, flight.Report{ID: fmt.Sprintf("r%d-%d", round, i), Time: month.Add(time.Duration(rng.Int64N(int64(29 * 24 * time.Hour)))),
				Lat: 30 + rng.Float64()*10, Lon: -105 + rng.Float64()*20, Count: 1 + rng.IntN(5), Category: "unknown",
				Source: []string{"a", "b", ""}[rng.IntN(3)]})
		}
		if _, err := s.AddReports(ctx, rs); err != nil {
			t.Fatal(err)
		}
		all = append(all, rs...)
		got, err := s.Cells(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if want := sumCells(all, 5, bbox); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: Cells = %d cells, want %d (first %v, want %v)", round, len(got), len(want), first(got), first(want))
		}
		for i := range got { // a caller's changes stay its own
			got[i].Count = -1
			got[i].Sources["x"] = 1
		}
		again, _ := s.Cells(ctx, q)
		if want := sumCells(all, 5, bbox); !reflect.DeepEqual(again, want) {
			t.Fatalf("round %d: Cells after the caller changed the answer = %v..., want %v...", round, first(again), first(want))
		}
	}
}

func first(c []store.CellCount) any {
	if len(c) == 0 {
		return nil
	}
	return c[0]
}

// sumCells sums reports per cell at res, keeping the cells whose centre
// lies in bbox, ordered by cell.
func sumCells(reports []flight.Report, res int, bbox orb.Bound) []store.CellCount {
	by := map[uint64]*store.CellCount{}
	for _, r := range reports {
		c := geo.Cell(r.Lat, r.Lon, res)
		if !geo.InBound(bbox, geo.CellCenter(c)) {
			continue
		}
		cc := by[c]
		if cc == nil {
			cc = &store.CellCount{Cell: c, Res: res, Sources: map[string]int{}}
			by[c] = cc
		}
		cc.Count += r.Count
		cc.Reports++
		src := r.Source
		if src == "" {
			src = "unknown"
		}
		cc.Sources[src] += r.Count
	}
	out := make([]store.CellCount, 0, len(by))
	for _, c := range by {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b store.CellCount) int {
		if a.Cell < b.Cell {
			return -1
		}
		if a.Cell > b.Cell {
			return 1
		}
		return 0
	})
	return out
}
