package stats

import (
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestPeriodStartAndLabel(t *testing.T) {
	tests := []struct {
		name  string
		p     Period
		at    time.Time
		start time.Time
		label string
	}{
		{"week mid", Week, time.Date(2025, 1, 24, 14, 3, 0, 0, time.UTC), date(2025, 1, 20), "2025-W04"},
		{"week on monday", Week, date(2025, 1, 20), date(2025, 1, 20), "2025-W04"},
		{"week sunday night", Week, time.Date(2025, 1, 26, 23, 59, 0, 0, time.UTC), date(2025, 1, 20), "2025-W04"},
		{"iso week of previous year", Week, date(2021, 1, 3), date(2020, 12, 28), "2020-W53"},
		{"iso week 1 starts in december", Week, date(2024, 12, 31), date(2024, 12, 30), "2025-W01"},
		{"month", Month, time.Date(2025, 2, 28, 23, 0, 0, 0, time.UTC), date(2025, 2, 1), "2025-02"},
		{"other zone", Month, time.Date(2025, 3, 1, 1, 0, 0, 0, time.FixedZone("x", 5*3600)), date(2025, 2, 1), "2025-02"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.p.Start(tc.at)
			if !s.Equal(tc.start) || tc.p.Label(s) != tc.label {
				t.Errorf("Start(%v) = %v %q, want %v %q", tc.at, s, tc.p.Label(s), tc.start, tc.label)
			}
		})
	}
}

func TestRows(t *testing.T) {
	// Guatemala: 1 flight a week for 6 weeks, then 4; Honduras only in the
	// last week; Mexico in the baseline only.
	first := date(2025, 1, 6) // Monday of 2025-W02
	var counts []DayCount
	for w := -6; w < 0; w++ {
		counts = append(counts, DayCount{Day: Day(first.AddDate(0, 0, 7*w+2)), Group: "GTM", Count: 1})
	}
	counts = append(counts,
		DayCount{Day: Day(first.AddDate(0, 0, 1)), Group: "GTM", Count: 3},
		DayCount{Day: Day(first.AddDate(0, 0, 6)), Group: "GTM", Count: 1}, // Sunday: same week
		DayCount{Day: Day(first.AddDate(0, 0, 3)), Group: "HND", Count: 2},
		DayCount{Day: Day(first.AddDate(0, 0, -8)), Group: "MEX", Count: 6},
		DayCount{Day: Day(first.AddDate(0, 0, 7)), Group: "GTM", Count: 9}, // after the window
	)
	rows := Rows(Week, counts, first, Week.Add(first, 1))
	if len(rows) != 3 {
		t.Fatalf("Rows = %+v, want 3", rows)
	}
	want := []struct {
		group       string
		count       int
		mean, chg   float64
		pct, hasPct bool
	}{{"GTM", 4, 1, 3, true, true}, {"HND", 2, 0, 2, false, false}, {"MEX", 0, 1, -1, true, true}}
	for i, w := range want {
		r := rows[i]
		if r.Group != w.group || r.Count != w.count || r.Mean != w.mean || r.Change != w.chg || (r.ChangePct != nil) != w.hasPct {
			t.Errorf("row %d = %+v, want %+v", i, r, w)
		}
		if r.Period != "2025-W02" || !r.Start.Equal(first) {
			t.Errorf("row %d period %s %v, want 2025-W02", i, r.Period, r.Start)
		}
	}
	if p := rows[0].ChangePct; p == nil || *p != 300 {
		t.Errorf("GTM change_pct = %v, want 300", p)
	}
}

func TestWindow(t *testing.T) {
	now := time.Date(2025, 3, 15, 10, 0, 0, 0, time.UTC)
	f, e := Month.Window(time.Time{}, time.Time{}, now)
	if !f.Equal(date(2024, 4, 1)) || !e.Equal(date(2025, 4, 1)) {
		t.Errorf("Window(default) = %v..%v, want 12 months to the end of March 2025", f, e)
	}
	f, e = Week.Window(date(2025, 1, 22), date(2025, 2, 3), now)
	if !f.Equal(date(2025, 1, 20)) || !e.Equal(date(2025, 2, 3)) {
		t.Errorf("Window(weeks) = %v..%v, want 2025-01-20..2025-02-03", f, e)
	}
}

// testKeyer resolves airports and countries in the embedded indexes, as
// main's does.
func testKeyer(t *testing.T) *Keyer {
	t.Helper()
	airports, err := geo.EmbeddedAirports()
	if err != nil {
		t.Fatal(err)
	}
	countries, err := geo.EmbeddedCountries()
	if err != nil {
		t.Fatal(err)
	}
	return New(airports, countries)
}

func TestKeyOf(t *testing.T) {
	k := testKeyer(t)
	t0 := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		leg  flight.Leg
		ok   bool
		want [5]string
	}{
		{"landed", flight.Leg{Watch: "w", Status: flight.LegLanded, Callsign: "RCH821", Origin: "KBIF", ActualDestination: "MGGT",
			PlannedDestination: "MHTG", Departed: t0, Class: flight.ClassRemoval}, true, [5]string{"GTM", "MGGT", "KBIF", "RCH", "removal"}},
		{"predicted", flight.Leg{Watch: "w", Status: flight.LegAirborne, Callsign: "N12", FirstSeen: t0, PredictedDestination: "MHTG",
			PlannedDestination: "MGGT"}, true, [5]string{"HND", "MHTG", Unknown, "w", Unknown}},
		{"planned", flight.Leg{Watch: "w", Status: flight.LegAirborne, Callsign: "GXA1234", FirstSeen: t0, PlannedDestination: "KELP"},
			true, [5]string{"USA", "KELP", Unknown, "GXA", Unknown}},
		{"class from the ends: removal", flight.Leg{Watch: "w", Status: flight.LegLanded, Origin: "KBIF", ActualDestination: "MGGT", Departed: t0},
			true, [5]string{"GTM", "MGGT", "KBIF", "w", "removal"}},
		{"class from the ends: domestic", flight.Leg{Watch: "w", Status: flight.LegLanded, Origin: "KDMA", ActualDestination: "KELP", Departed: t0},
			true, [5]string{"USA", "KELP", "KDMA", "w", "domestic"}},
		{"class from the ends: return", flight.Leg{Watch: "w", Status: flight.LegLanded, Origin: "MGGT", ActualDestination: "KELP", Departed: t0},
			true, [5]string{"USA", "KELP", "MGGT", "w", "return"}},
		{"class from the ends: foreign", flight.Leg{Watch: "w", Status: flight.LegLanded, Origin: "MGGT", ActualDestination: "MHTG", Departed: t0},
			true, [5]string{"HND", "MHTG", "MGGT", "w", "foreign"}},
		{"tracker's class wins", flight.Leg{Watch: "w", Status: flight.LegLanded, Origin: "MGGT", ActualDestination: "MHTG", Departed: t0, Class: flight.ClassUnknown},
			true, [5]string{"HND", "MHTG", "MGGT", "w", "unknown"}},
		{"unknown airport", flight.Leg{Watch: "w", Status: flight.LegSignalLost, FirstSeen: t0, ActualDestination: "ZZZZ9"},
			true, [5]string{Unknown, "ZZZZ9", Unknown, "w", Unknown}},
		{"not watched", flight.Leg{Status: flight.LegLanded, Departed: t0}, false, [5]string{}},
		{"taxi", flight.Leg{Watch: "w", Status: flight.LegTaxi, FirstSeen: t0}, false, [5]string{}},
		{"no time", flight.Leg{Watch: "w", Status: flight.LegLanded}, false, [5]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := k.KeyOf(&tc.leg)
			if ok != tc.ok || (ok && (got.Groups != tc.want || got.Day != Day(t0))) {
				t.Errorf("KeyOf = %+v, %v; want %v, %v", got, ok, tc.want, tc.ok)
			}
			if ok {
				back, ok := ParseKey(got.String())
				if !ok || back != got {
					t.Errorf("ParseKey(String()) = %+v, %v; want %+v", back, ok, got)
				}
			}
		})
	}
}

func FuzzParseKey(f *testing.F) {
	f.Add("20112\x1fGTM\x1fMGGT\x1fKBIF\x1fRCH\x1fremoval")
	f.Add("x")
	f.Fuzz(func(t *testing.T, s string) {
		k, ok := ParseKey(s)
		if !ok {
			return
		}
		if again, ok := ParseKey(k.String()); !ok || again != k {
			t.Fatalf("ParseKey(%q) = %+v, round trip %+v %v", s, k, again, ok)
		}
	})
}
