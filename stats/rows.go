package stats

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// Period is the length of a counting period.
type Period string

// Periods: ISO weeks (Monday 00:00 UTC) and calendar months (UTC).
const (
	Week  Period = "week"
	Month Period = "month"
)

// Baseline is how many periods before a row its mean is taken over.
const Baseline = 6

// DayCount is how many legs of one group flew on one UTC day.
type DayCount struct {
	Day   int64 // days since 1970-01-01, UTC
	Group string
	Count int
}

// Row is the count of one group in one period, against the mean of the
// Baseline periods before it (periods with no legs count 0).
type Row struct {
	Period    string    `json:"period"` // "2025-W04" or "2025-01"
	Start     time.Time `json:"start"`
	Group     string    `json:"group"`
	Count     int       `json:"count"`
	Mean      float64   `json:"mean_prev"`            // mean of the 6 periods before
	Change    float64   `json:"change"`               // Count - Mean
	ChangePct *float64  `json:"change_pct,omitempty"` // 100*Change/Mean; nil when Mean is 0
}

// Start returns the start of the period holding t.
func (p Period) Start(t time.Time) time.Time {
	t = t.UTC()
	y, m, d := t.Date()
	if p == Month {
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	}
	day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	back := (int(day.Weekday()) + 6) % 7 // days since Monday
	return day.AddDate(0, 0, -back)
}

// Add returns the start of the period n periods after start.
func (p Period) Add(start time.Time, n int) time.Time {
	if p == Month {
		return start.AddDate(0, n, 0)
	}
	return start.AddDate(0, 0, 7*n)
}

// Label names the period starting at start: ISO "2006-W01" or "2006-01".
func (p Period) Label(start time.Time) string {
	if p == Month {
		return start.Format("2006-01")
	}
	y, w := start.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// Valid reports whether p is a known period.
func (p Period) Valid() bool { return p == Week || p == Month }

// Window is the span of periods a query asks for: from the period holding
// since to the one holding the instant before until. A zero until means
// the period holding now; a zero since, 11 periods before until's (12 in
// all).
func (p Period) Window(since, until, now time.Time) (first, end time.Time) {
	if until.IsZero() {
		end = p.Add(p.Start(now), 1)
	} else {
		end = p.Add(p.Start(until.Add(-time.Nanosecond)), 1)
	}
	if since.IsZero() {
		first = p.Add(end, -12)
	} else {
		first = p.Start(since)
	}
	if first.After(end) {
		first = end
	}
	return first, end
}

// Rows folds day counts into one row per period in [first, end) and group
// that has legs in that period or in the Baseline periods before it.
// Counts must cover Baseline periods before first for the means to be
// right. Rows are ordered by period, then count (largest first), then
// group.
func Rows(p Period, counts []DayCount, first, end time.Time) []Row {
	from := p.Add(first, -Baseline)
	index := map[int64]int{} // period start (Unix) -> position
	var starts []time.Time
	for t := from; t.Before(end); t = p.Add(t, 1) {
		index[t.Unix()] = len(starts)
		starts = append(starts, t)
		if len(starts) > 100000 {
			break
		}
	}
	per := map[string][]int{} // group -> count per period
	for _, c := range counts {
		t := DayTime(c.Day)
		if t.Before(from) || !t.Before(end) {
			continue
		}
		i, ok := index[p.Start(t).Unix()]
		if !ok {
			continue
		}
		v := per[c.Group]
		if v == nil {
			v = make([]int, len(starts))
			per[c.Group] = v
		}
		v[i] += c.Count
	}
	var out []Row
	for g, v := range per {
		for i := Baseline; i < len(starts); i++ {
			sum := 0
			for _, n := range v[i-Baseline : i] {
				sum += n
			}
			if v[i] == 0 && sum == 0 {
				continue
			}
			mean := float64(sum) / Baseline
			r := Row{Period: p.Label(starts[i]), Start: starts[i], Group: g, Count: v[i], Mean: mean, Change: float64(v[i]) - mean}
			if mean > 0 {
				pct := 100 * r.Change / mean
				r.ChangePct = &pct
			}
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Row) int {
		return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(b.Count, a.Count), cmp.Compare(a.Group, b.Group))
	})
	return out
}
