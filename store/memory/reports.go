package memory

import (
	"context"
	"slices"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/query"
)

// aggKey names one aggregate table: a resolution and a UTC day.
type aggKey struct {
	res int
	day int64
}

// agg is one cell's counts in one table.
type agg struct {
	count, reports int
	sources        map[string]int
	center         orb.Point // of the cell, [lon, lat]
}

// reportBook keeps reports by day, sorted by time then ID, and their
// per-cell aggregates.
type reportBook struct {
	res   []int
	ids   map[string]struct{}
	days  map[int64][]flight.Report // sorted unless the day is dirty
	dirty map[int64]bool
	aggs  map[aggKey]map[uint64]*agg
}

func newReportBook(res []int) reportBook {
	return reportBook{
		res:   slices.Clone(res),
		ids:   make(map[string]struct{}),
		days:  make(map[int64][]flight.Report),
		dirty: make(map[int64]bool),
		aggs:  make(map[aggKey]map[uint64]*agg),
	}
}

func (b *reportBook) add(r flight.Report) bool {
	if _, dup := b.ids[r.ID]; dup {
		return false
	}
	b.ids[r.ID] = struct{}{}
	r.Time = r.Time.UTC()
	day := query.Day(r.Time)
	list := b.days[day]
	if n := len(list); n > 0 && query.CompareReports(&list[n-1], &r) > 0 {
		b.dirty[day] = true
	}
	b.days[day] = append(list, r)
	src := query.Source(r.Source)
	for _, res := range b.res {
		k := aggKey{res, day}
		table := b.aggs[k]
		if table == nil {
			table = make(map[uint64]*agg)
			b.aggs[k] = table
		}
		cell := geo.Cell(r.Lat, r.Lon, res)
		a := table[cell]
		if a == nil {
			a = &agg{sources: make(map[string]int, 1), center: geo.CellCenter(cell)}
			table[cell] = a
		}
		a.count += r.Count
		a.reports++
		a.sources[src] += r.Count
	}
	return true
}

// sort puts the days that received reports out of order back in order.
func (b *reportBook) sort() {
	for d := range b.dirty {
		slices.SortFunc(b.days[d], func(x, y flight.Report) int { return query.CompareReports(&x, &y) })
		delete(b.dirty, d)
	}
}

// sortedDays returns the stored days within [first, last], ascending.
func (b *reportBook) sortedDays(first, last int64) []int64 {
	days := make([]int64, 0, len(b.days))
	for d := range b.days {
		if d >= first && d <= last {
			days = append(days, d)
		}
	}
	slices.Sort(days)
	return days
}

// AddReports stores reports whose ID is new and counts them in the
// aggregates; it returns how many were new.
func (s *Store) AddReports(ctx context.Context, reports []flight.Report) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.repMu.Lock()
	defer s.repMu.Unlock()
	added := 0
	for _, r := range reports {
		if s.reports.add(r) {
			added++
		}
	}
	return added, nil
}

// Reports returns the reports q selects, oldest first.
func (s *Store) Reports(ctx context.Context, q store.ReportQuery) ([]flight.Report, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]flight.Report, 0)
	first, last, empty := query.DayRange(q.Since, q.Until)
	if empty {
		return out, nil
	}
	s.repMu.Lock()
	defer s.repMu.Unlock()
	s.reports.sort()
	for _, d := range s.reports.sortedDays(first, last) {
		for i := range s.reports.days[d] {
			r := &s.reports.days[d][i]
			if !query.ReportMatches(q, r) {
				continue
			}
			out = append(out, *r)
			if q.Limit > 0 && len(out) == q.Limit {
				return out, nil
			}
		}
	}
	return out, nil
}

// Cells sums the aggregates at q.Res over the days of q's window, for the
// cells whose centre lies in q.BBox, ordered by cell.
func (s *Store) Cells(ctx context.Context, q store.CellQuery) ([]store.CellCount, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := query.CheckRes(q.Res, s.cfg); err != nil {
		return nil, err
	}
	out := make([]store.CellCount, 0)
	first, last, empty := query.CellDays(q)
	if empty {
		return out, nil
	}
	sum := make(map[uint64]*store.CellCount)
	s.repMu.RLock()
	for _, d := range s.reports.sortedDays(first, last) {
		for cell, a := range s.reports.aggs[aggKey{q.Res, d}] {
			if !geo.InBound(q.BBox, a.center) {
				continue
			}
			c := sum[cell]
			if c == nil {
				c = &store.CellCount{Cell: cell, Res: q.Res, Sources: make(map[string]int, len(a.sources))}
				sum[cell] = c
			}
			c.Count += a.count
			c.Reports += a.reports
			for src, n := range a.sources {
				c.Sources[src] += n
			}
		}
	}
	s.repMu.RUnlock()
	for _, c := range sum {
		out = append(out, *c)
	}
	query.SortCells(out)
	return out, nil
}
