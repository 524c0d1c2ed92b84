package query

import (
	"cmp"
	"slices"

	"github.com/flightwatch/flightwatch/store"
)

// SourceCount is the count of one report source.
type SourceCount struct {
	Source string
	Count  int
}

// AddSource adds n to src's count in list, appending src when absent, and
// returns the list. Lists are short (a handful of sources), so a linear
// scan beats a map.
func AddSource(list []SourceCount, src string, n int) []SourceCount {
	for i := range list {
		if list[i].Source == src {
			list[i].Count += n
			return list
		}
	}
	return append(list, SourceCount{Source: src, Count: n})
}

// CellSum is one cell's running total in CellSums.
type CellSum struct {
	Cell    uint64
	Count   int
	Reports int
	Sources []SourceCount // unique sources; read only while shared
	shared  bool          // Sources is a caller's list, copied before a change
}

// Add adds the counts of an aggregate to the sum. The sum may keep
// sources, without changing it, until Result: the caller must leave it
// unchanged until then.
func (s *CellSum) Add(count, reports int, sources []SourceCount) {
	s.Count += count
	s.Reports += reports
	if s.Sources == nil {
		s.Sources, s.shared = sources, true
		return
	}
	if s.shared {
		s.Sources = append(make([]SourceCount, 0, len(s.Sources)+len(sources)), s.Sources...)
		s.shared = false
	}
	for _, sc := range sources {
		s.Sources = AddSource(s.Sources, sc.Source, sc.Count)
	}
}

// AddSource adds n to src's count in the sum.
func (s *CellSum) AddSource(src string, n int) {
	if s.shared {
		s.Sources = slices.Clone(s.Sources)
		s.shared = false
	}
	s.Sources = AddSource(s.Sources, src, n)
}

// CellSums sums aggregates per cell. It keeps the per-cell totals in a
// slice with small source lists and builds the per-cell Sources maps of
// the answer once, in Result. The zero CellSums is not usable; call
// NewCellSums. It is not safe for concurrent use.
type CellSums struct {
	res   int
	index map[uint64]int32 // position in sums; -1: the cell is filtered out
	sums  []CellSum
}

// NewCellSums returns an empty sum of cells at resolution res, sized for
// about n cells.
func NewCellSums(res, n int) *CellSums {
	return &CellSums{res: res, index: make(map[uint64]int32, n), sums: make([]CellSum, 0, n)}
}

// Cell returns cell's running total, adding a zero one when absent. The
// pointer is valid until the next call of Cell or Filtered.
func (c *CellSums) Cell(cell uint64) *CellSum {
	if i, ok := c.index[cell]; ok && i >= 0 {
		return &c.sums[i]
	}
	c.index[cell] = int32(len(c.sums))
	c.sums = append(c.sums, CellSum{Cell: cell})
	return &c.sums[len(c.sums)-1]
}

// Filtered is Cell for cells that in accepts; it asks in once per cell
// and returns nil for a cell in rejects. The pointer is valid until the
// next call of Cell or Filtered.
func (c *CellSums) Filtered(cell uint64, in func(uint64) bool) *CellSum {
	if i, ok := c.index[cell]; ok {
		if i < 0 {
			return nil
		}
		return &c.sums[i]
	}
	if !in(cell) {
		c.index[cell] = -1
		return nil
	}
	c.index[cell] = int32(len(c.sums))
	c.sums = append(c.sums, CellSum{Cell: cell})
	return &c.sums[len(c.sums)-1]
}

// Result returns the totals as CellCounts ordered by cell, each with its
// own Sources map. The source lists given to CellSum.Add are read here
// for the last time.
func (c *CellSums) Result() []store.CellCount {
	// Sort small (cell, position) pairs rather than the sums themselves.
	type ref struct {
		cell uint64
		i    int32
	}
	order := make([]ref, len(c.sums))
	for i := range c.sums {
		order[i] = ref{c.sums[i].Cell, int32(i)}
	}
	slices.SortFunc(order, func(a, b ref) int { return cmp.Compare(a.cell, b.cell) })
	out := make([]store.CellCount, len(c.sums))
	for i, r := range order {
		s := &c.sums[r.i]
		src := make(map[string]int, len(s.Sources))
		for _, sc := range s.Sources {
			src[sc.Source] = sc.Count
		}
		out[i] = store.CellCount{Cell: s.Cell, Res: c.res, Count: s.Count, Reports: s.Reports, Sources: src}
	}
	return out
}
