package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
)

// Websocket layers a client may subscribe to.
const (
	layerAircraft = "aircraft"
	layerAlerts   = "alerts"
	layerReports  = "reports" // raw report points (when allowed) and the cells layer
	layerCells    = "cells"
)

// maxHistoryBytes bounds the (estimated) encoded size of the resume
// history, whatever WSHistory says: at 50k updates/s a batch can hold
// megabytes.
const maxHistoryBytes = 256 << 20

// encFeature is a feature encoded once per tick and shared by every
// client's message.
type encFeature struct {
	id   string
	p    orb.Point
	t    time.Time
	feat []byte
}

// airPoint is an aircraft's hex and position.
type airPoint struct {
	id string
	p  orb.Point
}

// batch is one tick's changes, numbered by offset within an epoch.
type batch struct {
	epoch  string
	offset uint64
	// raw holds the latest state per aircraft until the first client
	// that needs them has them encoded into aircraft: with no client
	// subscribed to the aircraft layer a batch is never encoded.
	raw      []flight.Aircraft
	pts      []airPoint // where each aircraft of raw is, for skipping clients
	encOnce  sync.Once
	aircraft []encFeature // only after encodeAircraft
	removed  []string
	alerts   []encFeature
	reports  []encFeature // raw report points
	cells    []encFeature // changed cells passing k, at Config.WSCellRes
	size     int
}

// hub fans bus changes out to websocket clients.
type hub struct {
	s        *Server
	upgrader websocket.Upgrader
	ready    chan struct{} // closed once run has subscribed to the bus

	mu      sync.Mutex // guards clients
	clients map[*client]struct{}

	histMu    sync.RWMutex // guards epoch, offset, hist, histBytes
	epoch     string
	offset    uint64 // offset of the newest batch; 0 before the first
	hist      []*batch
	histBytes int

	// latest is the newest known state of every aircraft the bus has
	// reported and not removed, as of the newest batch: clients that
	// skipped updates catch up from it.
	latestMu sync.RWMutex
	latest   map[string]*latestAir
	// stall is how long a client's queue may go without a message
	// written before the client is closed as stuck.
	stall time.Duration

	// pending changes, touched only by run's goroutine
	pendAir     map[string]flight.Aircraft
	pendRemoved map[string]struct{}
	pendAlerts  []flight.Alert
	pendReports []flight.Report
}

func newHub(s *Server) *hub {
	h := &hub{s: s, ready: make(chan struct{}), clients: make(map[*client]struct{}), epoch: newEpoch(),
		pendAir: make(map[string]flight.Aircraft), pendRemoved: make(map[string]struct{}),
		latest: make(map[string]*latestAir), stall: stallTimeout}
	h.upgrader = websocket.Upgrader{
		ReadBufferSize: 4096, WriteBufferSize: 16384,
		CheckOrigin:       h.checkOrigin,
		EnableCompression: false,
		Error: func(w http.ResponseWriter, _ *http.Request, status int, reason error) {
			writeError(w, status, "websocket: "+reason.Error())
		},
	}
	return h
}

func newEpoch() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// checkOrigin accepts requests without an Origin header, from the
// request's own host, or from Config.AllowedOrigins ("*": any).
func (h *hub) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if len(h.s.cfg.AllowedOrigins) > 0 {
		for _, o := range h.s.cfg.AllowedOrigins {
			if o == "*" || strings.EqualFold(o, origin) {
				return true
			}
		}
		return false
	}
	u, err := url.Parse(origin)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

// run consumes the bus until ctx is done, flushing a batch every
// Config.WSBatch, then closes every client.
func (h *hub) run(ctx context.Context) error {
	events, ok := subscribe(ctx, h.s.deps.Bus, h.s.log)
	if !ok {
		return nil
	}
	close(h.ready)
	defer h.closeAll()
	tick := time.NewTicker(h.s.cfg.WSBatch)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e, ok := <-events:
			if !ok {
				// the bus ended the subscription: take a new one, and
				// treat the gap as lost events
				if events, ok = subscribe(ctx, h.s.deps.Bus, h.s.log); !ok {
					return nil
				}
				h.lost(ctx)
				continue
			}
			h.take(ctx, e)
		case <-tick.C:
			h.flush(ctx)
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
		if sleepCtx(ctx, wait) != nil {
			return nil, false
		}
		wait = min(2*wait, 10*time.Second)
	}
}

// take merges one event into the pending changes.
func (h *hub) take(ctx context.Context, e store.Event) {
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
	case store.EventLost:
		h.lost(ctx)
	}
}

// lost handles missed bus events: history has a gap, so the epoch
// changes, the history is dropped and every client gets a fresh snapshot.
func (h *hub) lost(ctx context.Context) {
	h.s.log.Warn("bus events lost; resending snapshots")
	h.flush(ctx)
	h.histMu.Lock()
	h.epoch, h.hist, h.histBytes = newEpoch(), nil, 0
	h.histMu.Unlock()
	for _, c := range h.clientList() {
		go c.resnapshot(ctx)
	}
}

func (h *hub) clientList() []*client {
	h.mu.Lock()
	defer h.mu.Unlock()
	list := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		list = append(list, c)
	}
	return list
}

// flush turns the pending changes into a batch, keeps it in the history
// and delivers it to every client.
func (h *hub) flush(ctx context.Context) {
	if len(h.pendAir) == 0 && len(h.pendRemoved) == 0 && len(h.pendAlerts) == 0 && len(h.pendReports) == 0 {
		return
	}
	b := &batch{}
	if len(h.pendAir) > 0 {
		b.raw = make([]flight.Aircraft, 0, len(h.pendAir))
		b.pts = make([]airPoint, 0, len(h.pendAir))
		for _, a := range h.pendAir {
			b.raw = append(b.raw, a)
			b.pts = append(b.pts, airPoint{id: a.Hex, p: orb.Point{a.Lon, a.Lat}})
		}
		b.size += len(b.raw) * aircraftFeatureSize
	}
	for hx := range h.pendRemoved {
		b.removed = append(b.removed, hx)
		b.size += len(hx) + 3
	}
	for i := range h.pendAlerts {
		a := &h.pendAlerts[i]
		f := encFeature{id: a.ID, p: orb.Point{a.Lon, a.Lat}, t: a.Time, feat: appendAlertFeature(nil, a)}
		b.alerts = append(b.alerts, f)
		b.size += len(f.feat)
	}
	for i := range h.pendReports {
		r := &h.pendReports[i]
		f := encFeature{id: r.ID, p: orb.Point{r.Lon, r.Lat}, t: r.Time, feat: appendReportFeature(nil, r)}
		b.reports = append(b.reports, f)
		b.size += len(f.feat)
	}
	b.cells = h.changedCells(ctx, h.pendReports)
	for _, f := range b.cells {
		b.size += len(f.feat)
	}
	clear(h.pendAir)
	clear(h.pendRemoved)
	h.pendAlerts, h.pendReports = nil, nil

	h.setLatest(b)

	h.histMu.Lock()
	h.offset++
	b.offset, b.epoch = h.offset, h.epoch
	h.hist = append(h.hist, b)
	h.histBytes += b.size
	for len(h.hist) > 1 && (len(h.hist) > h.s.cfg.WSHistory || h.histBytes > maxHistoryBytes) {
		h.histBytes -= h.hist[0].size
		h.hist[0] = nil
		h.hist = h.hist[1:]
	}
	h.histMu.Unlock()

	for _, c := range h.clientList() {
		c.deliver(b)
	}
}

// latestAir is one aircraft's newest state, encoded at most once when a
// catching-up client needs it.
type latestAir struct {
	a    flight.Aircraft
	once sync.Once
	feat []byte
}

// feature returns the encoded feature; it is safe for concurrent use.
func (l *latestAir) feature() []byte {
	l.once.Do(func() { l.feat = appendAircraftFeature(nil, &l.a) })
	return l.feat
}

// setLatest folds b's aircraft changes into the latest state.
func (h *hub) setLatest(b *batch) {
	h.latestMu.Lock()
	defer h.latestMu.Unlock()
	for i := range b.raw {
		h.latest[b.raw[i].Hex] = &latestAir{a: b.raw[i]}
	}
	for _, hx := range b.removed {
		delete(h.latest, hx)
	}
}

// latestOf returns the latest state of each of hexes, nil for those
// removed or unknown.
func (h *hub) latestOf(hexes []string) []*latestAir {
	out := make([]*latestAir, len(hexes))
	h.latestMu.RLock()
	defer h.latestMu.RUnlock()
	for i, hx := range hexes {
		out[i] = h.latest[hx]
	}
	return out
}

// aircraftFeatureSize is about the size of an encoded aircraft feature,
// which bounds the history before its batches are encoded.
const aircraftFeatureSize = 400

// encodeAircraft encodes the batch's aircraft features, once; it is safe
// for concurrent use, and the features are read-only afterwards.
func (b *batch) encodeAircraft() []encFeature {
	b.encOnce.Do(func() {
		b.aircraft = make([]encFeature, len(b.raw))
		for i := range b.raw {
			a := &b.raw[i]
			b.aircraft[i] = encFeature{id: a.Hex, p: orb.Point{a.Lon, a.Lat}, t: a.Time, feat: appendAircraftFeature(nil, a)}
		}
		b.raw = nil
	})
	return b.aircraft
}

// changedCells reads the current counts of the cells the new reports fall
// in, at Config.WSCellRes, keeping those that pass the privacy threshold.
func (h *hub) changedCells(ctx context.Context, reps []flight.Report) []encFeature {
	if len(reps) == 0 {
		return nil
	}
	res := h.s.cfg.WSCellRes
	want := make(map[uint64]struct{})
	var bound orb.Bound
	for i, r := range reps {
		c := geo.Cell(r.Lat, r.Lon, res)
		want[c] = struct{}{}
		p := geo.CellCenter(c)
		if i == 0 {
			bound = orb.Bound{Min: p, Max: p}
		} else {
			bound = bound.Extend(p)
		}
	}
	bound = bound.Pad(0.001)
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	cells, err := h.s.deps.Store.Cells(qctx, store.CellQuery{Res: res, BBox: bound})
	if err != nil {
		h.s.log.Warn("read changed cells", "res", res, "err", err)
		return nil
	}
	var out []encFeature
	for _, c := range h.s.passK(cells) {
		if _, ok := want[c.Cell]; !ok {
			continue
		}
		set := cellSet{c}
		out = append(out, encFeature{id: geo.CellString(c.Cell), p: geo.CellCenter(c.Cell), feat: set.AppendFeature(nil, 0)})
	}
	return out
}

// since returns the epoch, the newest offset and the batches after offset
// in epoch; ok is false when they are no longer all kept.
func (h *hub) since(epoch string, offset uint64) (cur uint64, batches []*batch, ok bool) {
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

// position returns the current epoch and offset.
func (h *hub) position() (string, uint64) {
	h.histMu.RLock()
	defer h.histMu.RUnlock()
	return h.epoch, h.offset
}

func (h *hub) add(c *client) {
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.mu.Unlock()
	h.s.m.wsClients.Inc()
}

func (h *hub) remove(c *client) {
	h.mu.Lock()
	_, ok := h.clients[c]
	delete(h.clients, c)
	h.mu.Unlock()
	if ok {
		h.s.m.wsClients.Dec()
	}
}

func (h *hub) closeAll() {
	for _, c := range h.clientList() {
		c.closeWith(websocket.CloseGoingAway, "server shutting down")
	}
}

// appendEnvelope appends the head of a message, up to and including
// `"data":` (or `"ids":`).
func appendEnvelope(b []byte, typ, layer, epoch string, offset uint64, field string) []byte {
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, '"')
	if layer != "" {
		b = append(b, `,"layer":"`...)
		b = append(b, layer...)
		b = append(b, '"')
	}
	if epoch != "" {
		b = append(b, `,"epoch":"`...)
		b = append(b, epoch...)
		b = append(b, `","offset":`...)
		b = strconv.AppendUint(b, offset, 10)
	}
	b = append(b, ',', '"')
	b = append(b, field...)
	return append(b, '"', ':')
}

// collection wraps encoded features into a message carrying a
// FeatureCollection.
func collection(typ, layer, epoch string, offset uint64, feats [][]byte) []byte {
	n := 128
	for _, f := range feats {
		n += len(f) + 1
	}
	b := make([]byte, 0, n)
	b = appendEnvelope(b, typ, layer, epoch, offset, "data")
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	for i, f := range feats {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, f...)
	}
	return append(b, "]}}"...)
}
