package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/stats"
	"github.com/flightwatch/flightwatch/store"
)

// statsTable reads every grouping's counts as "day:group=count" lines.
func statsTable(t *testing.T, h store.History, q store.StatsQuery) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, by := range stats.Bys {
		q.By = string(by)
		counts, err := h.Stats(context.Background(), q)
		if err != nil {
			t.Fatalf("Stats(%+v): %v", q, err)
		}
		var rows []string
		for _, c := range counts {
			rows = append(rows, fmt.Sprintf("%d:%s=%d", c.Day-stats.Day(t0), c.Group, c.Count))
		}
		slices.Sort(rows)
		out[string(by)] = rows
	}
	return out
}

func checkStats(t *testing.T, step string, got map[string][]string, want map[string][]string) {
	t.Helper()
	for _, by := range stats.Bys {
		if !slices.Equal(got[string(by)], want[string(by)]) {
			t.Errorf("%s: by %s = %v, want %v", step, by, got[string(by)], want[string(by)])
		}
	}
}

func testStatsCounters(t *testing.T, s store.Store, h store.History) {
	ctx := context.Background()
	day1 := t0.Add(24 * time.Hour)
	legs := []flight.Leg{
		{ID: "s1", Hex: "a60001", Callsign: "RCH821", Status: flight.LegLanded, Origin: "KBIF", ActualDestination: "MGGT",
			Departed: t0, FirstSeen: t0, LastSeen: t0.Add(4 * time.Hour), Watch: "removals", Class: flight.ClassRemoval},
		{ID: "s2", Hex: "a60002", Callsign: "N123AB", Status: flight.LegAirborne, Origin: "KELP", PlannedDestination: "MHTG",
			FirstSeen: t0.Add(time.Hour), LastSeen: t0.Add(2 * time.Hour), Watch: "charter"},
		{ID: "s3", Hex: "a60003", Callsign: "AAL1", Status: flight.LegLanded, Origin: "KJFK", ActualDestination: "MGGT",
			Departed: t0, FirstSeen: t0, LastSeen: t0.Add(5 * time.Hour)}, // not watched
		{ID: "s4", Hex: "a60004", Callsign: "RCH1", Status: flight.LegTaxi, Origin: "KBIF",
			FirstSeen: t0, LastSeen: t0, Watch: "removals"}, // never flew
		{ID: "s5", Hex: "a60005", Callsign: "RCH538", Status: flight.LegLanded, Origin: "KBIF", ActualDestination: "KELP",
			Departed: day1, FirstSeen: day1, LastSeen: day1.Add(time.Hour), Watch: "removals", Class: flight.ClassDomestic},
	}
	for _, l := range legs {
		if err := s.PutLeg(ctx, l); err != nil {
			t.Fatal(err)
		}
		if err := s.PutLeg(ctx, l); err != nil { // written again as it flies: counted once
			t.Fatal(err)
		}
	}
	checkStats(t, "stored", statsTable(t, h, store.StatsQuery{}), map[string][]string{
		"country":  {"0:GTM=1", "0:HND=1", "1:USA=1"},
		"airport":  {"0:MGGT=1", "0:MHTG=1", "1:KELP=1"},
		"origin":   {"0:KBIF=1", "0:KELP=1", "1:KBIF=1"},
		"operator": {"0:RCH=1", "0:charter=1", "1:RCH=1"},
		"class":    {"0:removal=2", "1:domestic=1"}, // s2 classed from its ends
	})
	checkStats(t, "window", statsTable(t, h, store.StatsQuery{Since: day1, Until: day1.Add(24 * time.Hour)}), map[string][]string{
		"country": {"1:USA=1"}, "airport": {"1:KELP=1"}, "origin": {"1:KBIF=1"}, "operator": {"1:RCH=1"}, "class": {"1:domestic=1"},
	})
	// s2 lands elsewhere and is judged a removal; s5 leaves the watchlist.
	s2 := legs[1]
	s2.Status, s2.ActualDestination, s2.Class = flight.LegLanded, "MGGT", flight.ClassRemoval
	s5 := legs[4]
	s5.Watch = ""
	for _, l := range []flight.Leg{s2, s5} {
		if err := s.PutLeg(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	checkStats(t, "changed", statsTable(t, h, store.StatsQuery{}), map[string][]string{
		"country":  {"0:GTM=2"},
		"airport":  {"0:MGGT=2"},
		"origin":   {"0:KBIF=1", "0:KELP=1"},
		"operator": {"0:RCH=1", "0:charter=1"},
		"class":    {"0:removal=2"},
	})
}

func testExpire(t *testing.T, s store.Store, h store.History) {
	ctx := context.Background()
	now := time.Date(2025, 3, 15, 12, 0, 0, 0, time.UTC)
	old, recent := now.Add(-48*time.Hour), now.Add(-time.Hour)
	pts := []flight.TrackPoint{{Hex: "a70001", Time: old, Lat: 30, Lon: -100}, {Hex: "a70001", Time: recent, Lat: 31, Lon: -101}}
	if err := s.AppendTrack(ctx, pts); err != nil {
		t.Fatal(err)
	}
	legs := []flight.Leg{
		{ID: "a70001-1", Hex: "a70001", Status: flight.LegLanded, Departed: old.Add(-time.Hour), FirstSeen: old.Add(-time.Hour),
			LastSeen: old, ActualDestination: "MGGT", Watch: "w"},
		{ID: "a70001-2", Hex: "a70001", Status: flight.LegAirborne, Departed: recent, FirstSeen: recent, LastSeen: recent, Watch: "w"},
	}
	for _, l := range legs {
		if err := s.PutLeg(ctx, l); err != nil {
			t.Fatal(err)
		}
		lp := store.LegPoints{Leg: l.ID, Points: flightPoints(l.Hex, l.LastSeen, 3),
			Seen: []store.SourceSeen{{Source: "x", First: l.LastSeen, Last: l.LastSeen, Positions: 3}}}
		if err := h.AppendLegLine(ctx, []store.LegPoints{lp}); err != nil {
			t.Fatal(err)
		}
	}
	for i, at := range []time.Time{old, recent} {
		a := flight.Alert{Key: "k" + itoa(int64(i)), Type: flight.AlertLanded, Time: at, Hex: "a70001"}
		if _, err := s.AddAlert(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	reps := []flight.Report{
		{ID: "r-jan", Time: time.Date(2025, 1, 10, 0, 0, 0, 0, time.UTC), Lat: 31, Lon: -106, Count: 2},
		{ID: "r-feb", Time: time.Date(2025, 2, 28, 23, 0, 0, 0, time.UTC), Lat: 31, Lon: -106, Count: 1},
		{ID: "r-mar", Time: time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC), Lat: 31, Lon: -106, Count: 3},
	}
	if _, err := s.AddReports(ctx, reps); err != nil {
		t.Fatal(err)
	}
	before, err := h.Held(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if before.TrackPoints != 2 || before.Legs != 2 || before.LegPoints != 6 || before.Alerts != 2 || before.Reports != 3 {
		t.Errorf("Held() before = %+v, want 2 track points, 2 legs, 6 leg points, 2 alerts, 3 reports", before)
	}
	statsBefore := statsTable(t, h, store.StatsQuery{})
	// Reports: 20 days back from 15 March is 23 February, so January goes
	// and February (not yet wholly past) stays.
	r := store.Retention{Tracks: 24 * time.Hour, Legs: 24 * time.Hour, Alerts: 24 * time.Hour, Reports: 20 * 24 * time.Hour}
	e, err := h.Expire(ctx, now, r)
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.Expired{TrackPoints: 1, Legs: 1, Alerts: 1, Reports: 1}); e != want {
		t.Errorf("Expire() = %+v, want %+v", e, want)
	}
	if trk, _ := s.Track(ctx, "a70001", time.Time{}, time.Time{}); len(trk) != 1 || !trk[0].Time.Equal(recent) {
		t.Errorf("Track after expiry = %v, want the recent point only", trk)
	}
	if got, _ := s.Legs(ctx, store.LegQuery{}); len(got) != 1 || got[0].ID != "a70001-2" {
		t.Errorf("Legs after expiry = %v, want a70001-2 only", got)
	}
	lines, _ := h.LegLines(ctx, []string{"a70001-1", "a70001-2"})
	srcs, _ := h.LegSources(ctx, []string{"a70001-1", "a70001-2"})
	if len(lines[0]) != 0 || len(lines[1]) != 3 || len(srcs[0]) != 0 || len(srcs[1]) != 1 {
		t.Errorf("after expiry lines %d/%d, sources %d/%d; want 0/3 and 0/1", len(lines[0]), len(lines[1]), len(srcs[0]), len(srcs[1]))
	}
	if got, _ := s.Alerts(ctx, store.AlertQuery{}); len(got) != 1 || !got[0].Time.Equal(recent) {
		t.Errorf("Alerts after expiry = %v, want the recent one", got)
	}
	got, _ := s.Reports(ctx, store.ReportQuery{})
	ids := make([]string, len(got))
	for i := range got {
		ids[i] = got[i].ID
	}
	if !slices.Equal(ids, []string{"r-feb", "r-mar"}) {
		t.Errorf("Reports after expiry = %v, want [r-feb r-mar]", ids)
	}
	cells, err := s.Cells(ctx, store.CellQuery{Res: 5})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range cells {
		total += c.Count
	}
	if total != 4 {
		t.Errorf("Cells after expiry count %d people, want 4 (February and March)", total)
	}
	checkStats(t, "stats after expiry", statsTable(t, h, store.StatsQuery{}), statsBefore)
	if e, err := h.Expire(ctx, now, r); err != nil || e != (store.Expired{}) {
		t.Errorf("second Expire() = %+v, %v; want nothing removed", e, err)
	}
	if e, err := h.Expire(ctx, now.Add(1000*time.Hour), store.Retention{}); err != nil || e != (store.Expired{}) {
		t.Errorf("Expire(zero retention) = %+v, %v; want nothing removed", e, err)
	}
	after, _ := h.Held(ctx)
	if after.TrackPoints != 1 || after.Legs != 1 || after.LegPoints != 3 || after.Alerts != 1 || after.Reports != 2 {
		t.Errorf("Held() after = %+v", after)
	}
}
