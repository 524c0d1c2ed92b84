package demo

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/server"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
)

// nopSink takes the replayed observations and drops them.
type nopSink struct{}

func (nopSink) Ingest(context.Context, []flight.Observation) error { return nil }
func (nopSink) IngestReports(_ context.Context, reps []flight.Report) (int, error) {
	return len(reps), nil
}

// TestApply: Apply gives the map the demo's About panel and a scenario
// clock that Run sets when a pass begins, and the demo's watchlist.
func TestApply(t *testing.T) {
	var sc server.Config
	s, err := Apply(&sc)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sc.Info, "<") || sc.Scenario == nil {
		t.Fatalf("Apply left Info %q, Scenario set %v; want the demo's", sc.Info, sc.Scenario != nil)
	}
	if s.Watchlist.Len() == 0 {
		t.Errorf("demo watchlist is empty")
	}
	if got := sc.Scenario(); got.Pass != 0 {
		t.Errorf("scenario before Run = %+v, want no pass", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	passes := 0
	st := memory.New(store.Config{})
	err = s.Run(ctx, Deps{Store: st, Bus: memory.NewBus(), Sink: nopSink{}, Airports: geo.Airports(), Places: geo.Gazetteer(),
		Now: func() time.Time { return start },
		OnPass: func(pass int, _ time.Time) {
			passes = pass
			cancel() // one pass begun is enough; the replay stops with ctx
		}})
	if err != nil && ctx.Err() == nil {
		t.Fatal(err)
	}
	if got := sc.Scenario(); passes != 1 || got.Pass != 1 || !got.PassStart.Equal(start) || got.Speed != Speed || !got.Start.Equal(Start) {
		t.Errorf("scenario after one pass = %+v (OnPass saw %d), want pass 1 from %v", got, passes, start)
	}
	if got := sc.Scenario().Passes; len(got) != 1 || !got[0].Equal(start) {
		t.Errorf("scenario passes after one pass = %v, want [%v]", got, start)
	}
	plans, err := st.Plans(context.Background())
	if err != nil || len(plans) == 0 {
		t.Errorf("stored plans = %d, %v; want the demo's", len(plans), err)
	}
}
