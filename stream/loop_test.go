package stream

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// stuckCells is a Source whose Cells, once stuck is set, blocks until
// release is closed, whatever its context says: a store that stopped
// answering.
type stuckCells struct {
	store.Store
	stuck   atomic.Bool
	entered chan struct{} // gets a value each time a stuck Cells starts
	release chan struct{}
}

func (s *stuckCells) Cells(ctx context.Context, q store.CellQuery) ([]store.CellCount, error) {
	if !s.stuck.Load() {
		return s.Store.Cells(ctx, q)
	}
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-s.release
	return nil, context.DeadlineExceeded
}

// TestStuckStoreDoesNotStallFanOut checks that the hub reads cells off
// its fan-out loop: while the store hangs on the cells of new reports,
// aircraft updates still reach the client (a hub that read them in its
// loop would send nothing more, and the read would time out).
func TestStuckStoreDoesNotStallFanOut(t *testing.T) {
	src := &stuckCells{entered: make(chan struct{}, 1), release: make(chan struct{})}
	in := startHubOn(t, Config{}, func(st store.Store) Source { src.Store = st; return src })
	t.Cleanup(func() { close(src.release) }) // before the hub stops
	now := time.Now().Add(-time.Minute).Truncate(time.Second)
	c := dialWS(t, in, "?token="+rawToken)
	sendWS(t, c, `{"op":"subscribe","bbox":[-130,20,-60,50],"layers":["aircraft","reports"]}`)
	readUntil(t, c, "aircraft snapshot", func(m wsMsg) bool { return m.Type == "snapshot" && m.Layer == "aircraft" })
	src.stuck.Store(true)
	in.addReports(t, []flight.Report{{ID: "r1", Time: now, Lat: 31.76, Lon: -106.49, Count: 5, Category: "unknown"}})
	<-src.entered // the cells of the report are being read, and hang
	postObs(t, in, obsLine("ae0001", 31.85, -106.38, now))
	m := readUntil(t, c, "aircraft update", func(m wsMsg) bool { return m.Type == "update" && m.Layer == "aircraft" })
	if got := ids(featureCollection(t, m.Data)); len(got) != 1 || got[0] != "ae0001" {
		t.Errorf("update ids %v, want [ae0001]", got)
	}
}
