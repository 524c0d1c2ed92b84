package query

import (
	"math"
	"time"
)

// Month returns the UTC calendar month day d falls in, counted as
// year*12 + month-1 (so January of year 0 is month 0).
func Month(d int64) int64 {
	y, m, _ := DayStart(d).Date()
	return int64(y)*12 + int64(m) - 1
}

// monthStart returns the first day of month m.
func monthStart(m int64) int64 {
	y, mo := m/12, m%12
	if mo < 0 {
		y, mo = y-1, mo+12
	}
	return Day(time.Date(int(y), time.Month(mo+1), 1, 0, 0, 0, 0, time.UTC))
}

// MonthDays returns the first and last day of month m.
func MonthDays(m int64) (first, last int64) {
	return monthStart(m), monthStart(m+1) - 1
}

// MonthName returns month m as yyyymm.
func MonthName(m int64) string { return DayStart(monthStart(m)).Format("200601") }

// Span splits an inclusive range of days into whole UTC calendar months and
// the days of the partial months before and after them, so that a long
// window reads one aggregate per month plus at most two months' worth of
// day aggregates. A part is empty when its first is greater than its last.
// Days covers every day when no month lies wholly inside the range.
type Span struct {
	// Months are the whole months, first to last; math.MinInt64 and
	// math.MaxInt64 mean open ends.
	FirstMonth, LastMonth int64
	// Head are the days before FirstMonth, Tail the days after LastMonth.
	HeadFirst, HeadLast int64
	TailFirst, TailLast int64
}

// HasMonths reports whether the span holds at least one whole month.
func (s Span) HasMonths() bool { return s.FirstMonth <= s.LastMonth }

// SplitDays splits the days [first, last], where math.MinInt64 and
// math.MaxInt64 mean open ends (as DayRange and CellDays return them), into
// a Span. The parts are disjoint and together hold exactly the days of
// [first, last].
func SplitDays(first, last int64) Span {
	none := Span{FirstMonth: 1, LastMonth: 0, HeadFirst: 1, HeadLast: 0, TailFirst: 1, TailLast: 0}
	if first > last {
		return none
	}
	fm := int64(math.MinInt64)
	if first != math.MinInt64 {
		fm = Month(first)
		if first != monthStart(fm) {
			fm++
		}
	}
	lm := int64(math.MaxInt64)
	if last != math.MaxInt64 {
		lm = Month(last)
		if last != monthStart(lm+1)-1 {
			lm--
		}
	}
	s := none
	if fm > lm {
		s.HeadFirst, s.HeadLast = first, last
		return s
	}
	s.FirstMonth, s.LastMonth = fm, lm
	if fm != math.MinInt64 {
		s.HeadFirst, s.HeadLast = first, monthStart(fm)-1
	}
	if lm != math.MaxInt64 {
		s.TailFirst, s.TailLast = monthStart(lm+1), last
	}
	return s
}
