package redis

import (
	"context"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/storetest"
)

func TestHistoryContract(t *testing.T) {
	storetest.RunHistory(t, func(t *testing.T) store.Store {
		return newTestStore(t, randomPrefix(t), storetest.HistoryConfig())
	})
}

func TestLegLineSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	prefix := randomPrefix(t)
	s := newTestStore(t, prefix, storetest.HistoryConfig())
	t0 := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	pts := []flight.TrackPoint{{Hex: "ae5a01", Time: t0, Lat: 31.8, Lon: -106.4, AltFt: 4000, Has: flight.HasAlt},
		{Hex: "ae5a01", Time: t0.Add(5 * time.Second), Lat: 31.7, Lon: -106.3}}
	lp := store.LegPoints{Leg: "ae5a01-1", Points: pts, Seen: []store.SourceSeen{{Source: "sbs", First: t0, Last: t0.Add(5 * time.Second), Positions: 2}}}
	if err := s.AppendLegLine(ctx, []store.LegPoints{lp}); err != nil {
		t.Fatal(err)
	}
	// A new process: a new client and store on the same prefix.
	again, err := New(ctx, testURL(), prefix, storetest.HistoryConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	lines, err := again.LegLines(ctx, []string{"ae5a01-1"})
	if err != nil || len(lines[0]) != 2 || !lines[0][1].Time.Equal(pts[1].Time) || lines[0][0].AltFt != 4000 {
		t.Errorf("after a restart LegLines = %+v, %v; want the 2 points", lines, err)
	}
	srcs, err := again.LegSources(ctx, []string{"ae5a01-1"})
	if err != nil || len(srcs[0]) != 1 || srcs[0][0].Positions != 2 {
		t.Errorf("after a restart LegSources = %+v, %v", srcs, err)
	}
}
