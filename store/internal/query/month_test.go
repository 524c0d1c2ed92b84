package query

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestMonth(t *testing.T) {
	tests := []struct {
		name      string
		day       time.Time
		want      string
		firstDay  string
		lastDay   string
		wantMonth int64
	}{
		{"epoch", time.Unix(0, 0), "197001", "19700101", "19700131", 1970 * 12},
		{"leap february", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), "202402", "20240201", "20240229", 2024*12 + 1},
		{"december", time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC), "202512", "20251201", "20251231", 2025*12 + 11},
		{"before the epoch", time.Date(1969, 12, 15, 0, 0, 0, 0, time.UTC), "196912", "19691201", "19691231", 1969*12 + 11},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := Month(Day(tc.day))
			if m != tc.wantMonth || MonthName(m) != tc.want {
				t.Errorf("Month(%v) = %d (%s), want %d (%s)", tc.day, m, MonthName(m), tc.wantMonth, tc.want)
			}
			first, last := MonthDays(m)
			if DayName(first) != tc.firstDay || DayName(last) != tc.lastDay {
				t.Errorf("MonthDays(%s) = %s..%s, want %s..%s", tc.want, DayName(first), DayName(last), tc.firstDay, tc.lastDay)
			}
		})
	}
}

// covered lists which days of [lo, hi] a span covers, failing on a day
// covered twice or a month part that is not whole.
func covered(t *testing.T, s Span, lo, hi int64) map[int64]bool {
	t.Helper()
	got := make(map[int64]bool)
	mark := func(a, b int64) {
		for d := max(a, lo); d <= min(b, hi); d++ {
			if got[d] {
				t.Fatalf("SplitDays: day %s covered twice by %+v", DayName(d), s)
			}
			got[d] = true
		}
	}
	mark(s.HeadFirst, s.HeadLast)
	mark(s.TailFirst, s.TailLast)
	if s.HasMonths() {
		fm, lm := s.FirstMonth, s.LastMonth
		if fm == math.MinInt64 {
			fm = Month(lo)
		}
		if lm == math.MaxInt64 {
			lm = Month(hi)
		}
		for m := fm; m <= lm; m++ {
			a, b := MonthDays(m)
			mark(a, b)
		}
	}
	return got
}

func TestSplitDays(t *testing.T) {
	day := func(y int, m time.Month, d int) int64 { return Day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) }
	tests := []struct {
		name        string
		first, last int64
		months      int // whole months, -1 for open
		headDays    int64
		tailDays    int64
	}{
		{"one day", day(2025, 3, 2), day(2025, 3, 2), 0, 1, 0},
		{"whole month", day(2025, 4, 1), day(2025, 4, 30), 1, 0, 0},
		{"whole leap february", day(2024, 2, 1), day(2024, 2, 29), 1, 0, 0},
		{"february without its last day", day(2024, 2, 1), day(2024, 2, 28), 0, 28, 0},
		{"mid month to mid next month", day(2025, 3, 15), day(2025, 4, 10), 0, 27, 0},
		{"two whole months", day(2025, 3, 1), day(2025, 4, 30), 2, 0, 0},
		{"mid march to mid may", day(2025, 3, 15), day(2025, 5, 10), 1, 17, 10},
		{"across new year", day(2024, 12, 20), day(2026, 1, 3), 12, 12, 3},
		{"open start", math.MinInt64, day(2025, 3, 10), -1, 0, 10},
		{"open end", day(2025, 3, 10), math.MaxInt64, -1, 22, 0},
		{"open both", math.MinInt64, math.MaxInt64, -1, 0, 0},
	}
	count := func(a, b int64) int64 {
		if a > b {
			return 0
		}
		return b - a + 1
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := SplitDays(tc.first, tc.last)
			months := 0
			switch {
			case !s.HasMonths():
			case s.FirstMonth == math.MinInt64 || s.LastMonth == math.MaxInt64:
				months = -1
			default:
				months = int(s.LastMonth - s.FirstMonth + 1)
			}
			if months != tc.months || count(s.HeadFirst, s.HeadLast) != tc.headDays || count(s.TailFirst, s.TailLast) != tc.tailDays {
				t.Errorf("SplitDays(%d, %d) = %+v: %d months, %d head days, %d tail days; want %d, %d, %d",
					tc.first, tc.last, s, months, count(s.HeadFirst, s.HeadLast), count(s.TailFirst, s.TailLast),
					tc.months, tc.headDays, tc.tailDays)
			}
		})
	}
	if s := SplitDays(5, 4); s.HasMonths() || s.HeadFirst <= s.HeadLast || s.TailFirst <= s.TailLast {
		t.Errorf("SplitDays(5, 4) = %+v, want empty", s)
	}
}

// TestSplitDaysCovers checks on random ranges that the parts cover each
// day of the range exactly once and nothing outside it.
func TestSplitDaysCovers(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := Day(time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC))
	for range 2000 {
		first := base + rng.Int64N(500)
		last := first + rng.Int64N(200) - 5
		s := SplitDays(first, last)
		got := covered(t, s, first-40, last+40)
		for d := first - 40; d <= last+40; d++ {
			if want := d >= first && d <= last; got[d] != want {
				t.Fatalf("SplitDays(%s, %s) = %+v covers %s: %v, want %v", DayName(first), DayName(last), s, DayName(d), got[d], want)
			}
		}
	}
}
