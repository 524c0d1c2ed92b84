package stream

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// Websocket layers a client may subscribe to.
const (
	layerAircraft = "aircraft"
	layerAlerts   = "alerts"
	layerReports  = "reports" // raw report points (when allowed) and the cells layer
	layerCells    = "cells"
)

// Hub fans bus changes out to websocket clients. Build it with New, run
// it with Run and mount it as an http.Handler.
type Hub struct {
	cfg      Config
	deps     Deps
	log      *slog.Logger
	m        *metrics
	upgrader websocket.Upgrader
	// writeBuffers are the connections' write buffers, shared: a
	// connection holds one only while it writes a message
	writeBuffers sync.Pool
	ready        chan struct{} // closed once Run has subscribed to the bus
	slowClosed   atomic.Int64

	mu      sync.Mutex // guards clients
	clients map[*client]struct{}
	index   tileIndex

	histMu sync.RWMutex // guards epoch, offset, hist
	epoch  string
	offset uint64 // offset of the newest batch; 0 before the first
	hist   []*batch
	// fullKeep is how many of the newest batches keep their body
	// (fullHistory of them)
	fullKeep int

	// latest is the newest known state of every aircraft the bus has
	// reported and not removed, as of the newest batch: clients that
	// skipped updates catch up from it, and delta updates are taken
	// against it.
	latestMu sync.RWMutex
	latest   map[string]*latestAir

	cells *cellWorker

	// pending changes, touched only by Run's goroutine
	pendAir     map[string]flight.Aircraft
	pendRemoved map[string]struct{}
	pendAlerts  []flight.Alert
	pendReports []flight.Report
	pendCells   []encFeature
	out         chan<- *batch // to Run's delivery goroutine; nil: deliver in place
	delivering  atomic.Bool   // a batch handed to out is not delivered yet
}

// New builds a Hub; it starts nothing.
func New(cfg Config, deps Deps) (*Hub, error) {
	if deps.Bus == nil || deps.Source == nil || deps.Privacy == nil || deps.Encoder == nil {
		return nil, errors.New("stream: new: Bus, Source, Privacy and Encoder are required")
	}
	cfg = cfg.withDefaults()
	m, err := newMetrics(deps.Registry)
	if err != nil {
		return nil, errors.Join(errors.New("stream: register metrics"), err)
	}
	log := deps.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	h := &Hub{cfg: cfg, deps: deps, log: log.With("component", "stream"), m: m,
		ready: make(chan struct{}), clients: make(map[*client]struct{}), epoch: newEpoch(),
		pendAir: make(map[string]flight.Aircraft), pendRemoved: make(map[string]struct{}),
		latest: make(map[string]*latestAir)}
	h.fullKeep = max(1, int((fullHistory+cfg.Batch-1)/cfg.Batch))
	h.index.init()
	h.cells = newCellWorker(h)
	h.upgrader = newUpgrader(h)
	return h, nil
}

// Ready is closed once Run has subscribed to the bus: changes published
// after it reach the clients.
func (h *Hub) Ready() <-chan struct{} { return h.ready }

func newEpoch() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Run consumes the bus until ctx is done, cutting a batch every
// Config.Batch, which a goroutine of its own delivers while the bus is
// read on, then closes every client. It returns nil when ctx ends.
func (h *Hub) Run(ctx context.Context) error {
	events, ok := subscribe(ctx, h.deps.Bus, h.log)
	if !ok {
		return nil
	}
	close(h.ready)
	defer h.closeAll()
	cellsDone := make(chan struct{})
	go func() { defer close(cellsDone); h.cells.run(ctx) }()
	defer func() { <-cellsDone }()
	// batches are delivered by a goroutine of their own, in order, so
	// that the bus is read while a batch is delivered; a tick that finds
	// the previous batch still being delivered cuts none, and the changes
	// merge into the next: under load the batches grow instead of queueing
	out := make(chan *batch, 1)
	h.out = out
	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		for b := range out {
			h.deliver(b)
			h.delivering.Store(false)
		}
	}()
	defer func() { close(out); <-delivered }()
	tick := time.NewTicker(h.cfg.Batch)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-events:
			if !ok {
				// the bus ended the subscription: take a new one, and
				// treat the gap as lost events
				if events, ok = subscribe(ctx, h.deps.Bus, h.log); !ok {
					return nil
				}
				h.lost(ctx)
				continue
			}
			h.take(ctx, e)
		case cells := <-h.cells.out:
			h.pendCells = append(h.pendCells, cells...)
		case <-tick.C:
			if !h.delivering.Load() {
				h.emit(ctx, h.cut())
			} else {
				h.m.busyTicks.Inc()
			}
		}
	}
}

// subscribe subscribes to bus, retrying with backoff while it fails (a
// Redis that is down at start); ok is false when ctx ended first.
func subscribe(ctx context.Context, bus store.Bus, log *slog.Logger) (<-chan store.Event, bool) {
	wait := 500 * time.Millisecond
	for {
		events, err := bus.Subscribe(ctx)
		if err == nil {
			return events, true
		}
		if ctx.Err() != nil {
			return nil, false
		}
		log.Warn("bus subscribe failed; retrying", "err", err, "wait", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, false
		case <-t.C:
		}
		wait = min(2*wait, 10*time.Second)
	}
}

// take merges one event into the pending changes.
func (h *Hub) take(ctx context.Context, e store.Event) {
	switch e.Kind {
	case store.EventAircraft:
		for _, a := range e.Aircraft {
			if old, ok := h.pendAir[a.Hex]; ok && a.Time.Before(old.Time) {
				continue
			}
			h.pendAir[a.Hex] = a
			delete(h.pendRemoved, a.Hex)
		}
	case store.EventRemove:
		for _, hx := range e.Removed {
			delete(h.pendAir, hx)
			h.pendRemoved[hx] = struct{}{}
		}
	case store.EventAlert:
		if e.Alert != nil {
			h.pendAlerts = append(h.pendAlerts, *e.Alert)
		}
	case store.EventReports:
		h.pendReports = append(h.pendReports, e.Reports...)
		h.cells.want(e.Reports)
	case store.EventLost:
		h.lost(ctx)
	}
}

// lost handles missed bus events: history has a gap, so the epoch
// changes, the history is dropped and every client gets a fresh snapshot.
func (h *Hub) lost(ctx context.Context) {
	h.log.Warn("bus events lost; resending snapshots")
	h.emit(ctx, h.cut())
	h.histMu.Lock()
	h.epoch, h.hist = newEpoch(), nil
	h.histMu.Unlock()
	for _, c := range h.clientList() {
		go c.resnapshot(ctx)
	}
}

func (h *Hub) clientList() []*client {
	h.mu.Lock()
	defer h.mu.Unlock()
	list := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		list = append(list, c)
	}
	return list
}

// Clients returns how many clients are connected.
func (h *Hub) Clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.clients)
}

// flush turns the pending changes into a batch, keeps it in the history
// and delivers it to the clients it concerns.
func (h *Hub) flush() {
	if b := h.cut(); b != nil {
		h.deliver(b)
	}
}

// emit hands b (nil: none) to Run's delivery goroutine, or delivers it
// when Run does not run; only Run's goroutine calls it.
func (h *Hub) emit(ctx context.Context, b *batch) {
	switch {
	case b == nil:
	case h.out == nil:
		h.deliver(b)
	default:
		h.delivering.Store(true)
		select {
		case h.out <- b:
		case <-ctx.Done():
		}
	}
}

// cut turns the pending changes into a batch and keeps it in the
// history; nil when nothing is pending. Only Run's goroutine calls it.
func (h *Hub) cut() *batch {
	if len(h.pendAir) == 0 && len(h.pendRemoved) == 0 && len(h.pendAlerts) == 0 &&
		len(h.pendReports) == 0 && len(h.pendCells) == 0 {
		return nil
	}
	b := h.newBatch()
	b.offset = h.offset + 1 // only this goroutine moves h.offset
	clear(h.pendAir)
	clear(h.pendRemoved)
	h.pendAlerts, h.pendReports, h.pendCells = nil, nil, nil

	h.setLatest(b)

	h.histMu.Lock()
	h.offset++
	b.offset, b.epoch = h.offset, h.epoch
	h.hist = append(h.hist, b)
	h.trimLocked()
	h.histMu.Unlock()
	return b
}

// deliver hands b to the clients it concerns.
func (h *Hub) deliver(b *batch) {
	touched := h.touched(b)
	h.m.touched.Observe(float64(len(touched)))
	h.deliverAll(b, touched)
}

// fullHistory is how long a batch keeps its body (what encodes its
// aircraft changes): long enough for the clients that subscribe while
// their snapshot is read to replay the batches after it. Older batches
// keep only which aircraft changed where, and a client resuming from
// them is sent the latest state of those aircraft instead.
const fullHistory = time.Second

// trimLocked drops the body of the batches older than fullHistory and
// the oldest batches past the history's bounds, keeping the newest;
// histMu is held.
func (h *Hub) trimLocked() {
	total := 0
	for i, b := range h.hist {
		if i < len(h.hist)-h.fullKeep && b.body.Load() != nil {
			b.body.Store(nil)
		}
		total += b.bytes()
	}
	for len(h.hist) > 1 && (len(h.hist) > h.cfg.History || total > h.cfg.HistoryBytes) {
		total -= h.hist[0].bytes()
		h.hist[0] = nil
		h.hist = h.hist[1:]
	}
	h.m.histBytes.Set(float64(total))
	h.m.histBatches.Set(float64(len(h.hist)))
}

// deliverAll hands b to the clients, spread over the processors: a
// client's share of a batch is built by whichever worker takes it, and
// only queued, never written, so no client delays the others.
func (h *Hub) deliverAll(b *batch, clients []*client) {
	if len(clients) == 0 {
		return
	}
	workers := min(runtime.GOMAXPROCS(0), (len(clients)+63)/64)
	if workers <= 1 {
		for _, c := range clients {
			c.deliver(b)
		}
		return
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(clients) {
					return
				}
				clients[i].deliver(b)
			}
		})
	}
	wg.Wait()
}

// touched returns the clients b concerns: those whose viewport tiles hold
// a changed, departed or removed aircraft, the wide viewports, and for
// alerts, reports and cells every client of those layers.
func (h *Hub) touched(b *batch) []*client {
	set := make(map[*client]struct{})
	if len(b.alerts) > 0 || len(b.reports) > 0 || len(b.cells) > 0 {
		for _, c := range h.clientList() {
			if c.other.Load() {
				set[c] = struct{}{}
			}
		}
	}
	if b.hasAircraft() {
		h.index.collect(b, set)
	}
	out := make([]*client, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	return out
}

// latestAir is one aircraft's newest state, encoded at most once per
// form when a catching-up client needs it.
type latestAir struct {
	a    flight.Aircraft
	off  uint64 // the batch that brought a
	feat atomic.Pointer[[]byte]
	full atomic.Pointer[[]byte]
}

// feature returns the GeoJSON feature; it is safe for concurrent use.
func (l *latestAir) feature(enc Encoder) []byte {
	return encodeOnce(&l.feat, func() []byte { return enc.AppendAircraft(nil, &l.a) })
}

// compact returns the full delta item; it is safe for concurrent use.
func (l *latestAir) compact() []byte {
	return encodeOnce(&l.full, func() []byte { return appendDelta(nil, &l.a, nil) })
}

// encodeOnce returns *p, storing f's result there first when p is nil;
// concurrent callers may each call f, and all get the same stored bytes.
func encodeOnce(p *atomic.Pointer[[]byte], f func() []byte) []byte {
	if b := p.Load(); b != nil {
		return *b
	}
	b := f()
	if p.CompareAndSwap(nil, &b) {
		return b
	}
	return *p.Load()
}

// setLatest folds b's aircraft changes into the latest state.
func (h *Hub) setLatest(b *batch) {
	bd := b.body.Load()
	h.latestMu.Lock()
	defer h.latestMu.Unlock()
	if bd != nil {
		for i := range bd.raw {
			h.latest[bd.raw[i].Hex] = &latestAir{a: bd.raw[i], off: b.offset}
		}
	}
	for _, r := range b.removed {
		delete(h.latest, r.id)
	}
}

// latestOf returns the latest state of each of hexes, nil for those
// removed or unknown.
func (h *Hub) latestOf(hexes []string) []*latestAir {
	out := make([]*latestAir, len(hexes))
	h.latestMu.RLock()
	defer h.latestMu.RUnlock()
	for i, hx := range hexes {
		out[i] = h.latest[hx]
	}
	return out
}

// since returns the newest offset and the batches after offset in epoch;
// ok is false when they are no longer all kept.
func (h *Hub) since(epoch string, offset uint64) (cur uint64, batches []*batch, ok bool) {
	h.histMu.RLock()
	defer h.histMu.RUnlock()
	if epoch != h.epoch || offset > h.offset {
		return h.offset, nil, false
	}
	if offset == h.offset {
		return h.offset, nil, true
	}
	if len(h.hist) == 0 || offset+1 < h.hist[0].offset {
		return h.offset, nil, false
	}
	return h.offset, slices.Clone(h.hist[offset+1-h.hist[0].offset:]), true
}

// Position returns the current epoch and the offset of the newest batch.
func (h *Hub) Position() (epoch string, offset uint64) {
	h.histMu.RLock()
	defer h.histMu.RUnlock()
	return h.epoch, h.offset
}

func (h *Hub) add(c *client) {
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.mu.Unlock()
	h.m.clients.Inc()
}

func (h *Hub) remove(c *client) {
	h.mu.Lock()
	_, ok := h.clients[c]
	delete(h.clients, c)
	h.mu.Unlock()
	h.index.remove(c)
	if ok {
		h.m.clients.Dec()
	}
}

func (h *Hub) closeAll() {
	for _, c := range h.clientList() {
		c.closeWith(websocket.CloseGoingAway, "server shutting down")
	}
}

// point is an aircraft's position.
func point(a *flight.Aircraft) orb.Point { return orb.Point{a.Lon, a.Lat} }
