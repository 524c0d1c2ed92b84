package memory

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sync/atomic"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/query"
)

// aggKey names one aggregate table: a resolution and a bucket, which is a
// UTC day in reportBook.days and a UTC calendar month in reportBook.months.
type aggKey struct {
	res    int
	bucket int64
}

// agg is one cell's counts in one table.
type agg struct {
	cell           uint64
	center         orb.Point // of the cell, [lon, lat]
	count, reports int
	sources        []query.SourceCount
}

// table is the aggregate of one resolution over one bucket: its cells in a
// slice, for quick scans, and where each cell is in it.
type table struct {
	index map[uint64]int32
	cells []agg
	// snap is the table as Cells answers it, ordered by cell, built by the
	// first query that reads the table alone after a change; add clears it
	// (with the book's lock held for writing).
	snap atomic.Pointer[tableSnap]
}

// tableSnap is a table's cells as CellCounts ordered by cell, with their
// centres. Read only: Cells copies what it answers.
type tableSnap struct {
	counts  []store.CellCount
	centers []orb.Point
}

// snapshot returns t's snapshot at res, building it when t changed since
// the last one. Safe with the book's lock held for reading: two queries
// may build it at once, and either result is right.
func (t *table) snapshot(res int) *tableSnap {
	if sn := t.snap.Load(); sn != nil {
		return sn
	}
	order := make([]int32, len(t.cells))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(t.cells[a].cell, t.cells[b].cell) })
	sn := &tableSnap{counts: make([]store.CellCount, len(order)), centers: make([]orb.Point, len(order))}
	for j, i := range order {
		a := &t.cells[i]
		src := make(map[string]int, len(a.sources))
		for _, sc := range a.sources {
			src[sc.Source] = sc.Count
		}
		sn.counts[j] = store.CellCount{Cell: a.cell, Res: res, Count: a.count, Reports: a.reports, Sources: src}
		sn.centers[j] = a.center
	}
	t.snap.Store(sn)
	return sn
}

// answer copies the snapshot's cells whose centre lies in bbox, each with
// its own Sources map.
func (sn *tableSnap) answer(bbox orb.Bound) []store.CellCount {
	n := 0
	for i := range sn.centers {
		if geo.InBound(bbox, sn.centers[i]) {
			n++
		}
	}
	out := make([]store.CellCount, 0, n)
	for i := range sn.counts {
		if geo.InBound(bbox, sn.centers[i]) {
			c := sn.counts[i]
			c.Sources = maps.Clone(c.Sources)
			out = append(out, c)
		}
	}
	return out
}

// add counts a report of count people from src in cell.
func (t *table) add(cell uint64, count int, src string, centers map[uint64]orb.Point) {
	i, ok := t.index[cell]
	if !ok {
		c, ok := centers[cell]
		if !ok {
			c = geo.CellCenter(cell)
			centers[cell] = c
		}
		i = int32(len(t.cells))
		t.index[cell] = i
		t.cells = append(t.cells, agg{cell: cell, center: c})
	}
	t.snap.Store(nil)
	a := &t.cells[i]
	a.count += count
	a.reports++
	a.sources = query.AddSource(a.sources, src, count)
}

// reportBook keeps reports by day, sorted by time then ID, and their
// per-cell aggregates by day and by month.
type reportBook struct {
	res     []int
	ids     map[string]struct{}
	days    map[int64][]flight.Report // sorted unless the day is dirty
	dirty   map[int64]bool
	aggs    map[aggKey]*table // per resolution and day
	months  map[aggKey]*table // per resolution and month
	centers map[uint64]orb.Point
}

func newReportBook(res []int) reportBook {
	return reportBook{
		res:     slices.Clone(res),
		ids:     make(map[string]struct{}),
		days:    make(map[int64][]flight.Report),
		dirty:   make(map[int64]bool),
		aggs:    make(map[aggKey]*table),
		months:  make(map[aggKey]*table),
		centers: make(map[uint64]orb.Point),
	}
}

// tableOf returns the table of k in tables, making it when absent.
func tableOf(tables map[aggKey]*table, k aggKey) *table {
	t := tables[k]
	if t == nil {
		t = &table{index: make(map[uint64]int32)}
		tables[k] = t
	}
	return t
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
	month := query.Month(day)
	for _, res := range b.res {
		cell := geo.Cell(r.Lat, r.Lon, res)
		tableOf(b.aggs, aggKey{res, day}).add(cell, r.Count, src, b.centers)
		tableOf(b.months, aggKey{res, month}).add(cell, r.Count, src, b.centers)
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
// cells whose centre lies in q.BBox, ordered by cell: the month tables of
// the whole months in the window and the day tables of the days before
// and after them.
func (s *Store) Cells(ctx context.Context, q store.CellQuery) ([]store.CellCount, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := query.CheckRes(q.Res, s.cfg); err != nil {
		return nil, err
	}
	first, last, empty := query.CellDays(q)
	if empty {
		return make([]store.CellCount, 0), nil
	}
	span := query.SplitDays(first, last)
	s.repMu.RLock()
	var tables []*table
	for k, t := range s.reports.aggs {
		if k.res == q.Res && (inDays(k.bucket, span.HeadFirst, span.HeadLast) || inDays(k.bucket, span.TailFirst, span.TailLast)) {
			tables = append(tables, t)
		}
	}
	for k, t := range s.reports.months {
		if k.res == q.Res && inDays(k.bucket, span.FirstMonth, span.LastMonth) {
			tables = append(tables, t)
		}
	}
	if len(tables) == 1 {
		// One table (a whole month, or one day): its snapshot, filtered.
		out := tables[0].snapshot(q.Res).answer(q.BBox)
		s.repMu.RUnlock()
		return out, nil
	}
	n := 0
	for _, t := range tables {
		n = max(n, len(t.cells))
	}
	sum := query.NewCellSums(q.Res, n)
	for _, t := range tables {
		for i := range t.cells {
			a := &t.cells[i]
			if !geo.InBound(q.BBox, a.center) {
				continue
			}
			sum.Cell(a.cell).Add(a.count, a.reports, a.sources)
		}
	}
	// Result reads the tables' source lists: still under the lock.
	out := sum.Result()
	s.repMu.RUnlock()
	return out, nil
}

// inDays reports whether first <= b <= last.
func inDays(b, first, last int64) bool { return b >= first && b <= last }
