package sink_test

import (
	"context"
	"errors"
	"testing"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/feedtest"
	"github.com/flightwatch/flightwatch/feeds/internal/sink"
	"github.com/flightwatch/flightwatch/flight"
)

// TestBufferKeepsWhileFailing fails the sink with more than MaxPending
// observations pending: the newest MaxPending are kept and delivered once
// the sink recovers, the rest are counted lost.
func TestBufferKeepsWhileFailing(t *testing.T) {
	ctx := context.Background()
	st := &feedtest.Counts{}
	to := &feedtest.Collector{}
	buf := &sink.Buffer{Sink: to, Stats: st}
	if err := buf.Flush(ctx); err != nil {
		t.Fatalf("Flush of nothing = %v", err)
	}
	to.SetFail(errors.New("down"))
	const extra = 7
	for i := range sink.MaxPending + extra {
		buf.Add(flight.Observation{Hex: "a00001", AltFt: float64(i)})
	}
	if err := buf.Flush(ctx); err == nil {
		t.Fatal("Flush while the sink fails = nil, want an error")
	}
	if buf.Len() != sink.MaxPending {
		t.Errorf("Len after a failed Flush = %d, want %d", buf.Len(), sink.MaxPending)
	}
	to.SetFail(nil)
	if err := buf.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := to.All()
	if len(got) != sink.MaxPending || got[0].AltFt != float64(extra) || buf.Len() != 0 {
		t.Errorf("delivered %d starting at AltFt %v (pending %d), want %d starting at %d (none pending)",
			len(got), got[0].AltFt, buf.Len(), sink.MaxPending, extra)
	}
	s := st.Snapshot()
	if s.Rejects[feedstats.ReasonLost] != extra || s.Observations != sink.MaxPending {
		t.Errorf("stats = %+v, want %d lost and %d observations", s, extra, sink.MaxPending)
	}
}
