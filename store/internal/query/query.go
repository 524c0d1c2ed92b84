package query

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
)

const secondsPerDay = 86400

// Day returns the UTC day of t, counted from the Unix epoch.
func Day(t time.Time) int64 {
	s := t.Unix()
	d := s / secondsPerDay
	if s < 0 && s%secondsPerDay != 0 {
		d--
	}
	return d
}

// DayStart returns the first instant of day d.
func DayStart(d int64) time.Time { return time.Unix(d*secondsPerDay, 0).UTC() }

// DayName returns day d as yyyymmdd.
func DayName(d int64) string { return DayStart(d).Format("20060102") }

// DayRange returns the first and last day a window [since, until) touches;
// zero times leave that end open (math.MinInt64, math.MaxInt64). Empty is
// true when the window holds no instant.
func DayRange(since, until time.Time) (first, last int64, empty bool) {
	first, last = math.MinInt64, math.MaxInt64
	if !since.IsZero() {
		first = Day(since)
	}
	if !until.IsZero() {
		if !since.IsZero() && !until.After(since) {
			return 0, 0, true
		}
		last = Day(until.Add(-time.Nanosecond))
	}
	return first, last, false
}

// CellDays returns the first and last day a CellQuery counts: days from the
// day of Since through the last day that starts before Until.
func CellDays(q store.CellQuery) (first, last int64, empty bool) {
	first, last = math.MinInt64, math.MaxInt64
	if !q.Since.IsZero() {
		first = Day(q.Since)
	}
	if !q.Until.IsZero() {
		last = Day(q.Until.Add(-time.Nanosecond))
	}
	return first, last, first > last
}

// CheckRes returns an error wrapping flight.ErrInvalid when res is not one
// of the aggregated resolutions.
func CheckRes(res int, cfg store.Config) error {
	if slices.Contains(cfg.ReportRes, res) {
		return nil
	}
	return fmt.Errorf("%w: resolution %d is not aggregated (have %v)", flight.ErrInvalid, res, cfg.ReportRes)
}

// Source names a report source in the aggregates; an empty one is "unknown".
func Source(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// LegMatches reports whether q selects leg.
func LegMatches(q store.LegQuery, leg *flight.Leg) bool {
	return (q.Status == "" || leg.Status == q.Status) &&
		(q.Hex == "" || leg.Hex == q.Hex) &&
		(q.Class == "" || leg.Class == q.Class) &&
		(q.Since.IsZero() || !leg.LastSeen.Before(q.Since)) &&
		(q.Until.IsZero() || leg.FirstSeen.Before(q.Until))
}

// LegScore is the sort key of a leg: LastSeen in Unix microseconds, exact
// in a float64.
func LegScore(leg *flight.Leg) float64 { return float64(leg.LastSeen.UnixMicro()) }

// SortLegs orders legs newest LastSeen first (to the microsecond), then by
// ID descending.
func SortLegs(legs []flight.Leg) {
	slices.SortFunc(legs, func(a, b flight.Leg) int {
		if c := cmp.Compare(b.LastSeen.UnixMicro(), a.LastSeen.UnixMicro()); c != 0 {
			return c
		}
		return cmp.Compare(b.ID, a.ID)
	})
}

// AlertMatches reports whether q selects a.
func AlertMatches(q store.AlertQuery, a *flight.Alert) bool {
	return (q.Type == "" || a.Type == q.Type) &&
		(q.Hex == "" || a.Hex == q.Hex) &&
		(q.Since.IsZero() || !a.Time.Before(q.Since)) &&
		(q.Until.IsZero() || a.Time.Before(q.Until))
}

// ReportMatches reports whether q selects r.
func ReportMatches(q store.ReportQuery, r *flight.Report) bool {
	return (q.Since.IsZero() || !r.Time.Before(q.Since)) &&
		(q.Until.IsZero() || r.Time.Before(q.Until)) &&
		geo.InBound(q.BBox, orb.Point{r.Lon, r.Lat})
}

// CompareReports orders reports oldest first, then by ID.
func CompareReports(a, b *flight.Report) int {
	if c := a.Time.Compare(b.Time); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

// AlertKeys is how many alert keys are remembered for deduplication, per
// alert kept: an alert's key outlives the alert in the log for a while, so
// that a cause is raised once even after its alert rotates out.
const AlertKeys = 4

// IDs makes time-ordered unique alert ids of the form "<unix ms>-<seq>",
// like Redis stream ids. The zero IDs is ready for use and safe for
// concurrent use.
type IDs struct {
	mu  sync.Mutex
	ms  int64
	seq int64
}

// Next returns a new id not smaller than any returned before.
func (g *IDs) Next(now time.Time) string {
	g.mu.Lock()
	ms := now.UnixMilli()
	if ms <= g.ms {
		ms = g.ms
		g.seq++
	} else {
		g.ms, g.seq = ms, 0
	}
	seq := g.seq
	g.mu.Unlock()
	return strconv.FormatInt(ms, 10) + "-" + strconv.FormatInt(seq, 10)
}

// Centers caches cell centres, which cost a cgo call each to compute.
// The zero Centers is ready for use and safe for concurrent use; it
// forgets everything once it holds maxCenters cells.
type Centers struct {
	mu sync.RWMutex
	m  map[uint64]orb.Point
}

const maxCenters = 1 << 20

// Of returns the centre of cell as [lon, lat].
func (c *Centers) Of(cell uint64) orb.Point {
	c.mu.RLock()
	p, ok := c.m[cell]
	c.mu.RUnlock()
	if ok {
		return p
	}
	p = geo.CellCenter(cell)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCenters {
		c.m = make(map[uint64]orb.Point)
	}
	c.m[cell] = p
	c.mu.Unlock()
	return p
}

// CellFilter tells whether a cell's centre lies inside BBox.
type CellFilter struct {
	BBox    orb.Bound
	Centers *Centers // where centres come from; nil computes each
}

// In reports whether cell's centre lies inside f.BBox.
func (f *CellFilter) In(cell uint64) bool {
	if f.BBox == (orb.Bound{}) {
		return true
	}
	if f.Centers == nil {
		return geo.InBound(f.BBox, geo.CellCenter(cell))
	}
	return geo.InBound(f.BBox, f.Centers.Of(cell))
}

// SortCells orders counts by cell index.
func SortCells(cells []store.CellCount) {
	slices.SortFunc(cells, func(a, b store.CellCount) int { return cmp.Compare(a.Cell, b.Cell) })
}
