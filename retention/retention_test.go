package retention

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
)

// metric returns the value of name{kind=kind} in reg, or -1.
func metric(t *testing.T, reg *prometheus.Registry, name, kind string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "kind" && l.GetValue() == kind {
					if g := m.GetGauge(); g != nil {
						return g.GetValue()
					}
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return -1
}

func TestRunExpiresAndCounts(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	st := memory.New(store.Config{})
	ctx := context.Background()
	pts := []flight.TrackPoint{{Hex: "a1", Time: now.Add(-72 * time.Hour), Lat: 1, Lon: 1},
		{Hex: "a1", Time: now.Add(-time.Hour), Lat: 1, Lon: 2}, {Hex: "a2", Time: now.Add(-96 * time.Hour), Lat: 3, Lon: 3}}
	if err := st.AppendTrack(ctx, pts); err != nil {
		t.Fatal(err)
	}
	leg := flight.Leg{ID: "a1-1", Hex: "a1", Status: flight.LegLanded, FirstSeen: now.Add(-time.Hour), LastSeen: now}
	if err := st.PutLeg(ctx, leg); err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	r := New(st, store.Retention{Tracks: 48 * time.Hour}, Options{Every: time.Hour, Now: func() time.Time { return now }, Registry: reg})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(runCtx) }()
	deadline := time.Now().Add(5 * time.Second)
	for metric(t, reg, "flightwatch_store_held", "track_points") != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	tests := []struct {
		name, kind string
		want       float64
	}{
		{"flightwatch_store_expired_total", "track_points", 2},
		{"flightwatch_store_expired_total", "legs", 0},
		{"flightwatch_store_held", "track_points", 1},
		{"flightwatch_store_held", "legs", 1},
		{"flightwatch_store_held", "alerts", 0},
	}
	for _, tc := range tests {
		if got := metric(t, reg, tc.name, tc.kind); got != tc.want {
			t.Errorf("%s{kind=%q} = %v, want %v", tc.name, tc.kind, got, tc.want)
		}
	}
	if trk, _ := st.Track(ctx, "a1", time.Time{}, time.Time{}); len(trk) != 1 {
		t.Errorf("Track(a1) = %v, want the recent point", trk)
	}
}
