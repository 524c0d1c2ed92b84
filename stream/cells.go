package stream

import (
	"context"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
)

// cellWorker reads the counts of the cells that new reports fall in, at
// Config.CellRes, off the hub's goroutine, and hands the encoded cells
// that pass the privacy threshold back to the hub for its next batch.
type cellWorker struct {
	h    *Hub
	mu   sync.Mutex
	cell map[uint64]struct{} // cells waiting to be read
	wake chan struct{}
	out  chan []encFeature
}

func newCellWorker(h *Hub) *cellWorker {
	return &cellWorker{h: h, cell: make(map[uint64]struct{}), wake: make(chan struct{}, 1),
		out: make(chan []encFeature, 16)}
}

// want marks the cells of reps to be read; it never blocks.
func (w *cellWorker) want(reps []flight.Report) {
	if len(reps) == 0 {
		return
	}
	w.mu.Lock()
	for _, r := range reps {
		w.cell[geo.Cell(r.Lat, r.Lon, w.h.cfg.CellRes)] = struct{}{}
	}
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *cellWorker) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		}
		w.mu.Lock()
		want := w.cell
		w.cell = make(map[uint64]struct{})
		w.mu.Unlock()
		feats := w.read(ctx, want)
		if len(feats) == 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case w.out <- feats:
		}
	}
}

// read returns the encoded public cells among want.
func (w *cellWorker) read(ctx context.Context, want map[uint64]struct{}) []encFeature {
	if len(want) == 0 {
		return nil
	}
	var bound orb.Bound
	first := true
	for c := range want {
		p := geo.CellCenter(c)
		if first {
			bound, first = orb.Bound{Min: p, Max: p}, false
		} else {
			bound = bound.Extend(p)
		}
	}
	bound = bound.Pad(0.001)
	res := w.h.cfg.CellRes
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	cells, err := w.h.deps.Source.Cells(qctx, store.CellQuery{Res: res, BBox: bound})
	if err != nil {
		w.h.log.Warn("read changed cells", "res", res, "err", err)
		return nil
	}
	var out []encFeature
	for _, c := range w.h.deps.Privacy.PublicCells(cells) {
		if _, ok := want[c.Cell]; !ok {
			continue
		}
		out = append(out, encFeature{id: geo.CellString(c.Cell), p: geo.CellCenter(c.Cell),
			feat: w.h.deps.Encoder.AppendCell(nil, c)})
	}
	return out
}
