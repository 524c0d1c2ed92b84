package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// HistoryConfig is Config with a small LegPoints bound, for RunHistory.
func HistoryConfig() store.Config {
	c := Config()
	c.LegPoints = 100
	return c
}

// RunHistory runs the store.History contract (leg lines, sources, stats
// counters, retention) against stores made by factory with
// HistoryConfig(), a fresh empty store per subtest.
func RunHistory(t *testing.T, factory func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store, h store.History)
	}{
		{"LegLineOutlivesTrack", testLegLineOutlivesTrack},
		{"LegLineThinsWhenFull", testLegLineThins},
		{"LegLineSkipsRepeats", testLegLineRepeats},
		{"LegSources", testLegSources},
		{"StatsCounters", testStatsCounters},
		{"StatsUnknownGrouping", func(t *testing.T, _ store.Store, h store.History) {
			if _, err := h.Stats(context.Background(), store.StatsQuery{By: "colour"}); err == nil {
				t.Error("Stats(by=colour) = nil error, want one")
			}
		}},
		{"ExpireAndHeld", testExpire},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := factory(t)
			h, ok := s.(store.History)
			if !ok {
				t.Fatalf("%T does not implement store.History", s)
			}
			tc.fn(t, s, h)
		})
	}
}

// flightPoints returns n points of hex 5 s apart from start, heading east.
func flightPoints(hex string, start time.Time, n int) []flight.TrackPoint {
	out := make([]flight.TrackPoint, n)
	for i := range out {
		out[i] = flight.TrackPoint{Hex: hex, Time: start.Add(time.Duration(i) * 5 * time.Second),
			Lat: 30 + float64(i)*0.001, Lon: -100 + float64(i)*0.01, AltFt: float64(1000 + i), Has: flight.HasAlt}
		if i%7 == 3 {
			out[i].AltFt, out[i].Has = 0, 0
		}
	}
	return out
}

func samePoints(a, b []flight.TrackPoint) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Hex != y.Hex || !x.Time.Equal(y.Time) || x.Has != y.Has || x.AltFt != y.AltFt ||
			abs(x.Lat-y.Lat) > 1e-6 || abs(x.Lon-y.Lon) > 1e-6 {
			return false
		}
	}
	return true
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

func testLegLineOutlivesTrack(t *testing.T, s store.Store, h store.History) {
	ctx := context.Background()
	id := "a50001-" + itoa(t0.Unix())
	pts := flightPoints("a50001", t0, 90) // more than TrackLen (50), fewer than LegPoints
	for lo := 0; lo < len(pts); lo += 10 {
		batch := pts[lo : lo+10]
		if err := s.AppendTrack(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if err := h.AppendLegLine(ctx, []store.LegPoints{{Leg: id, Points: batch}}); err != nil {
			t.Fatal(err)
		}
	}
	if trk, _ := s.Track(ctx, "a50001", time.Time{}, time.Time{}); len(trk) != Config().TrackLen {
		t.Fatalf("Track kept %d points, want %d (rolled over)", len(trk), Config().TrackLen)
	}
	lines, err := h.LegLines(ctx, []string{"none-1", id})
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 2 || lines[0] != nil {
		t.Fatalf("LegLines(none, %s) = %d lines, first %v; want 2, first nil", id, len(lines), lines)
	}
	if !samePoints(lines[1], pts) {
		t.Errorf("LegLines(%s) = %d points, want the whole %d-point line", id, len(lines[1]), len(pts))
	}
}

func testLegLineThins(t *testing.T, s store.Store, h store.History) {
	ctx := context.Background()
	id := "a50002-1"
	pts := flightPoints("a50002", t0, 350)
	for lo := 0; lo < len(pts); lo += 25 {
		if err := h.AppendLegLine(ctx, []store.LegPoints{{Leg: id, Points: pts[lo : lo+25]}}); err != nil {
			t.Fatal(err)
		}
	}
	lines, err := h.LegLines(ctx, []string{id})
	if err != nil {
		t.Fatal(err)
	}
	got := lines[0]
	if len(got) > HistoryConfig().LegPoints || len(got) < HistoryConfig().LegPoints/2 {
		t.Fatalf("line has %d points, want between %d and %d", len(got), HistoryConfig().LegPoints/2, HistoryConfig().LegPoints)
	}
	if !got[0].Time.Equal(pts[0].Time) || !got[len(got)-1].Time.Equal(pts[len(pts)-1].Time) {
		t.Errorf("thinned line spans %v..%v, want the whole leg %v..%v", got[0].Time, got[len(got)-1].Time, pts[0].Time, pts[len(pts)-1].Time)
	}
	for i := 1; i < len(got); i++ {
		if !got[i].Time.After(got[i-1].Time) {
			t.Fatalf("point %d at %v not after %v", i, got[i].Time, got[i-1].Time)
		}
	}
}

func testLegLineRepeats(t *testing.T, s store.Store, h store.History) {
	ctx := context.Background()
	id := "a50003-1"
	pts := flightPoints("a50003", t0, 20)
	batches := [][]flight.TrackPoint{pts[:10], pts[:10], pts[5:15], pts[2:3], pts[15:]}
	for _, b := range batches {
		if err := h.AppendLegLine(ctx, []store.LegPoints{{Leg: id, Points: b}}); err != nil {
			t.Fatal(err)
		}
	}
	lines, _ := h.LegLines(ctx, []string{id})
	if !samePoints(lines[0], pts) {
		t.Errorf("after repeated batches the line has %d points, want %d once each", len(lines[0]), len(pts))
	}
}

func testLegSources(t *testing.T, s store.Store, h store.History) {
	ctx := context.Background()
	id := "a50004-1"
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	batches := [][]store.LegPoints{
		{{Leg: id, Seen: []store.SourceSeen{{Source: "sbs", First: at(0), Last: at(5), Positions: 10}}}},
		{{Leg: id, Seen: []store.SourceSeen{{Source: "adsbx", First: at(3), Last: at(4), Positions: 2},
			{Source: "sbs", First: at(6), Last: at(9), Positions: 5}}}},
		{{Leg: "a50005-1", Seen: []store.SourceSeen{{Source: "", First: at(1), Last: at(1), Positions: 1}}}},
	}
	for _, b := range batches {
		if err := h.AppendLegLine(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	got, err := h.LegSources(ctx, []string{id, "a50005-1", "nothing-1"})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]store.SourceSeen{
		{{Source: "adsbx", First: at(3), Last: at(4), Positions: 2}, {Source: "sbs", First: at(0), Last: at(9), Positions: 15}},
		{{Source: "", First: at(1), Last: at(1), Positions: 1}},
		nil,
	}
	for i := range want {
		if !slices.EqualFunc(got[i], want[i], func(a, b store.SourceSeen) bool {
			return a.Source == b.Source && a.First.Equal(b.First) && a.Last.Equal(b.Last) && a.Positions == b.Positions
		}) {
			t.Errorf("LegSources[%d] = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}
