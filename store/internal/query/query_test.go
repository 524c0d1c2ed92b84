package query

import (
	"cmp"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

func TestDay(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		want int64
	}{
		{"epoch", time.Unix(0, 0), 0},
		{"last instant of day 0", time.Unix(86399, 999999999), 0},
		{"day 1", time.Unix(86400, 0), 1},
		{"before the epoch", time.Unix(-1, 0), -1},
		{"exactly a day before", time.Unix(-86400, 0), -1},
		{"2025-03-02 in another zone", time.Date(2025, 3, 2, 1, 0, 0, 0, time.FixedZone("x", 2*3600)), Day(time.Date(2025, 3, 1, 23, 0, 0, 0, time.UTC))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Day(tc.t); got != tc.want {
				t.Errorf("Day(%v) = %d, want %d", tc.t, got, tc.want)
			}
		})
	}
	if got := DayName(Day(time.Date(2025, 3, 2, 12, 0, 0, 0, time.UTC))); got != "20250302" {
		t.Errorf("DayName() = %s, want 20250302", got)
	}
}

func TestDayRange(t *testing.T) {
	d := time.Date(2025, 3, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name         string
		since, until time.Time
		first, last  int64
		empty        bool
	}{
		{"open", time.Time{}, time.Time{}, math.MinInt64, math.MaxInt64, false},
		{"until midnight excludes that day", time.Time{}, d, math.MinInt64, Day(d) - 1, false},
		{"until just past midnight", time.Time{}, d.Add(1), math.MinInt64, Day(d), false},
		{"one day", d, d.Add(24 * time.Hour), Day(d), Day(d), false},
		{"empty", d, d, 0, 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			first, last, empty := DayRange(tc.since, tc.until)
			if empty != tc.empty || (!empty && (first != tc.first || last != tc.last)) {
				t.Errorf("DayRange(%v, %v) = %d, %d, %v; want %d, %d, %v", tc.since, tc.until, first, last, empty, tc.first, tc.last, tc.empty)
			}
		})
	}
}

func TestIDsOrdered(t *testing.T) {
	var g IDs
	now := time.Unix(1700000000, 0)
	prev := g.Next(now)
	for i := range 1000 {
		// The clock may stand still or step back: ids still grow.
		id := g.Next(now.Add(time.Duration(i%3-1) * time.Millisecond))
		if compareIDs(id, prev) <= 0 {
			t.Fatalf("Next() = %s after %s, want a larger id", id, prev)
		}
		prev = id
	}
}

func compareIDs(a, b string) int {
	parse := func(s string) (int64, int64) {
		ms, seq, _ := strings.Cut(s, "-")
		m, _ := strconv.ParseInt(ms, 10, 64)
		q, _ := strconv.ParseInt(seq, 10, 64)
		return m, q
	}
	ams, aseq := parse(a)
	bms, bseq := parse(b)
	if c := cmp.Compare(ams, bms); c != 0 {
		return c
	}
	return cmp.Compare(aseq, bseq)
}

func TestCheckRes(t *testing.T) {
	cfg := store.Config{}.WithDefaults()
	if err := CheckRes(5, cfg); err != nil {
		t.Errorf("CheckRes(5) = %v", err)
	}
	if err := CheckRes(4, cfg); !errors.Is(err, flight.ErrInvalid) {
		t.Errorf("CheckRes(4) = %v, want flight.ErrInvalid", err)
	}
}

func TestCellFilter(t *testing.T) {
	var centers Centers
	cell := uint64(0x85283473fffffff) // near San Francisco
	tests := []struct {
		name string
		bbox orb.Bound
		want bool
	}{
		{"empty bbox", orb.Bound{}, true},
		{"around", orb.Bound{Min: orb.Point{-123, 37}, Max: orb.Point{-121, 38.5}}, true},
		{"elsewhere", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range []CellFilter{{BBox: tc.bbox}, {BBox: tc.bbox, Centers: &centers}, {BBox: tc.bbox, Centers: &centers}} {
				if got := f.In(cell); got != tc.want {
					t.Errorf("In(%x) = %v, want %v", cell, got, tc.want)
				}
			}
		})
	}
}
