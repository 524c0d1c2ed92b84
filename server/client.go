package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
)

// Websocket timing and limits.
const (
	writeWait      = 10 * time.Second // deadline of one write
	pongWait       = 60 * time.Second // a client silent this long (no pong) is dropped
	pingPeriod     = 25 * time.Second
	maxInMessage   = 64 << 10 // larger client messages close the connection
	maxBadMessages = 20       // consecutive bad messages before closing
	snapshotWait   = 15 * time.Second
	// stallTimeout is how long a client's queue may hold messages with
	// none written before the client is closed as stuck.
	stallTimeout = writeWait
	// behindShare: a client whose queue holds more than 1/behindShare of
	// Config.WSQueueBytes (or any unsent aircraft message) is behind, and
	// its aircraft updates are skipped ahead.
	behindShare = 4
)

// subscribeMsg is what a client sends.
type subscribeMsg struct {
	Op     string    `json:"op"`
	BBox   []float64 `json:"bbox"`
	Layers []string  `json:"layers"`
	Resume *struct {
		Epoch  string `json:"epoch"`
		Offset uint64 `json:"offset"`
	} `json:"resume"`
}

// client is one websocket connection: a reader (the handler goroutine)
// and a writer goroutine draining a byte-bounded queue.
type client struct {
	h    *hub
	conn *websocket.Conn
	raw  bool // raw report points allowed
	log  *slog.Logger

	mu      sync.Mutex // guards the subscription below
	active  bool
	bbox    orb.Bound
	layers  map[string]bool
	visible map[string]struct{} // aircraft the client holds (or will, once queued messages are written)
	epoch   string
	offset  uint64 // newest batch delivered or skipped
	// held is the newest batch whose aircraft changes the client has been
	// sent in full: offset, unless missed is not empty.
	held uint64
	// missed holds the aircraft (in the viewport or visible) changed or
	// removed in aircraft updates skipped while the client was behind.
	missed  map[string]struct{}
	pending atomic.Bool // missed is not empty

	qmu      sync.Mutex // guards the queue
	queue    []qmsg
	qbytes   int       // queued and in-flight bytes
	fixed    int       // queued and in-flight bytes of messages that cannot be skipped
	qair     int       // queued and in-flight aircraft update and remove messages
	progress time.Time // when a message was last written, or the empty queue last took one
	closed   bool
	notify   chan struct{}
	done     chan struct{}
	once     sync.Once
}

// qmsg is one queued message; air messages (aircraft updates and
// removes) can be skipped ahead, the others cannot.
type qmsg struct {
	b   []byte
	air bool
}

// serveWS upgrades GET /api/v1/stream and reads the client's messages
// until the connection ends.
func (h *hub) serveWS(w http.ResponseWriter, r *http.Request) error {
	raw := h.s.rawAllowed(r)
	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return nil // the upgrader has answered
	}
	c := &client{h: h, conn: conn, raw: raw, log: h.s.log.With("remote", r.RemoteAddr),
		notify: make(chan struct{}, 1), done: make(chan struct{})}
	h.add(c)
	defer h.remove(c)
	go c.writeLoop()
	c.readLoop(r.Context())
	return nil
}

func (c *client) readLoop(ctx context.Context) {
	c.conn.SetReadLimit(maxInMessage)
	_ = c.conn.SetReadDeadline(time.Now().Add(pongWait))
	c.conn.SetPongHandler(func(string) error { return c.conn.SetReadDeadline(time.Now().Add(pongWait)) })
	bad := 0
	for {
		_, data, err := c.conn.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				c.closeWith(websocket.CloseMessageTooBig, "message over 64 KB")
			} else {
				c.closeWith(websocket.CloseNormalClosure, "")
			}
			return
		}
		_ = c.conn.SetReadDeadline(time.Now().Add(pongWait))
		if err := c.handle(ctx, data); err != nil {
			bad++
			c.sendError(err.Error())
			if bad >= maxBadMessages {
				c.closeWith(websocket.ClosePolicyViolation, "too many bad messages")
				return
			}
			continue
		}
		bad = 0
	}
}

// subscription is a parsed subscribe message.
type subscription struct {
	bbox   orb.Bound
	layers map[string]bool
	resume bool
	epoch  string
	offset uint64
}

// parseSubscribe reads a client message; errors are the client's fault.
func parseSubscribe(data []byte) (subscription, error) {
	var m subscribeMsg
	if err := json.Unmarshal(data, &m); err != nil {
		return subscription{}, fmt.Errorf("bad message: %v", err)
	}
	if m.Op != "subscribe" {
		return subscription{}, fmt.Errorf("unknown op %q: want subscribe", m.Op)
	}
	sub := subscription{layers: map[string]bool{}}
	if len(m.BBox) > 0 {
		b, err := boundOf(m.BBox)
		if err != nil {
			return subscription{}, err
		}
		sub.bbox = b
	}
	for _, l := range m.Layers {
		switch l {
		case layerAircraft, layerAlerts, layerReports:
			sub.layers[l] = true
		default:
			return subscription{}, fmt.Errorf("unknown layer %q: want aircraft, alerts or reports", l)
		}
	}
	if len(sub.layers) == 0 {
		sub.layers[layerAircraft] = true
	}
	if m.Resume != nil {
		sub.resume, sub.epoch, sub.offset = true, m.Resume.Epoch, m.Resume.Offset
	}
	return sub, nil
}

// handle acts on one client message; errors are the client's fault.
func (c *client) handle(ctx context.Context, data []byte) error {
	sub, err := parseSubscribe(data)
	if err != nil {
		return err
	}
	if sub.resume && c.resume(ctx, sub.bbox, sub.layers, sub.epoch, sub.offset) {
		return nil
	}
	if err := c.snapshot(ctx, sub.bbox, sub.layers); err != nil {
		c.log.Warn("websocket snapshot", "err", err)
		c.sendError("snapshot failed: " + err.Error())
	}
	return nil
}

// snapshot sends the state inside bbox, then the batches that came
// while it was read, and makes bbox and layers the subscription.
func (c *client) snapshot(ctx context.Context, bbox orb.Bound, layers map[string]bool) error {
	ctx, cancel := context.WithTimeout(ctx, snapshotWait)
	defer cancel()
	h := c.h
	epoch, off := h.position()
	var list []flight.Aircraft
	if layers[layerAircraft] {
		var err error
		if list, err = h.s.deps.Store.AircraftIn(ctx, bbox); err != nil {
			return fmt.Errorf("aircraft in %v: %w", bbox, err)
		}
	}
	var cells []store.CellCount
	if layers[layerReports] {
		var err error
		cells, err = h.s.deps.Store.Cells(ctx, store.CellQuery{Res: h.s.cfg.WSCellRes, BBox: bbox})
		if err != nil {
			return fmt.Errorf("cells in %v: %w", bbox, err)
		}
		cells = h.s.passK(cells)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active, c.bbox, c.layers, c.epoch, c.offset, c.held = true, bbox, layers, epoch, off, off
	c.visible = make(map[string]struct{}, len(list))
	c.clearMissed()
	seen := make(map[string]time.Time, len(list))
	if layers[layerAircraft] {
		feats := make([][]byte, len(list))
		for i := range list {
			a := &list[i]
			feats[i] = appendAircraftFeature(nil, a)
			c.visible[a.Hex] = struct{}{}
			seen[a.Hex] = a.Time
		}
		c.dropQueuedAir() // the snapshot replaces them
		c.enqueue(collection("snapshot", layerAircraft, epoch, off, feats))
	}
	if layers[layerReports] {
		feats := make([][]byte, len(cells))
		for i := range cells {
			feats[i] = cellSet(cells).AppendFeature(nil, i)
		}
		c.enqueue(collection("snapshot", layerCells, epoch, off, feats))
	}
	cur, batches, ok := h.since(epoch, off)
	if !ok {
		// the epoch changed while the store was read (lost bus events):
		// follow the new epoch from now; the hub resends snapshots
		c.epoch, c.offset = h.position()
		c.held = c.offset
		return nil
	}
	for _, b := range batches {
		c.sendBatch(b, seen)
	}
	c.offset = cur
	return nil
}

// resume replays the batches after offset when epoch is current and they
// are all kept; it reports whether it could.
func (c *client) resume(ctx context.Context, bbox orb.Bound, layers map[string]bool, epoch string, offset uint64) bool {
	h := c.h
	if _, _, ok := h.since(epoch, offset); !ok {
		return false
	}
	var list []flight.Aircraft
	if layers[layerAircraft] {
		qctx, cancel := context.WithTimeout(ctx, snapshotWait)
		defer cancel()
		var err error
		if list, err = h.s.deps.Store.AircraftIn(qctx, bbox); err != nil {
			return false
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, batches, ok := h.since(epoch, offset)
	if !ok {
		return false
	}
	c.active, c.bbox, c.layers, c.epoch, c.offset, c.held = true, bbox, layers, epoch, offset, offset
	c.visible = make(map[string]struct{}, len(list))
	c.clearMissed()
	for i := range list {
		c.visible[list[i].Hex] = struct{}{}
	}
	msg := appendEnvelope(nil, "resumed", "", epoch, offset, "missed")
	msg = strconv.AppendInt(msg, int64(len(batches)), 10)
	c.enqueue(append(msg, '}'))
	for _, b := range batches {
		c.sendBatch(b, nil)
	}
	c.offset = cur
	return true
}

// resnapshot sends a fresh snapshot of the current subscription.
func (c *client) resnapshot(ctx context.Context) {
	c.mu.Lock()
	active, bbox, layers := c.active, c.bbox, c.layers
	c.mu.Unlock()
	if !active {
		return
	}
	if err := c.snapshot(ctx, bbox, layers); err != nil {
		c.closeWith(websocket.CloseTryAgainLater, "snapshot failed; reconnect")
	}
}

// deliver sends the client its part of b, or closes the client when its
// queue has not moved for the stall timeout.
func (c *client) deliver(b *batch) {
	if c.stalled() {
		c.h.s.m.wsDropped.WithLabelValues("slow_client").Inc()
		c.log.Info("closing stalled websocket client", "stall", c.h.stall)
		c.closeWith(websocket.CloseTryAgainLater, fmt.Sprintf("slow client: nothing written for %s", c.h.stall))
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.active || b.epoch != c.epoch || b.offset <= c.offset {
		return
	}
	c.sendBatch(b, nil)
	c.offset = b.offset
}

// sendBatch queues the messages of b for the subscription and makes b
// the newest batch handled; c.mu is held. Aircraft in seen at the same or
// a newer time are skipped (the snapshot has them).
//
// While the client is behind (see behind), its aircraft updates are
// skipped ahead: b's aircraft go into the missed set instead of the
// queue, and once the queue has drained one update brings their latest
// state (see flushMissed). Messages of the other layers are never
// skipped; while aircraft changes are missed they carry the offset of the
// newest batch the client holds in full (held), so that resuming from any
// offset a client has seen replays everything it lacks, at worst twice.
func (c *client) sendBatch(b *batch, seen map[string]time.Time) {
	c.offset = b.offset
	if c.layers[layerAircraft] && (len(c.missed) > 0 || c.behind()) {
		c.skip(b)
		if !c.behind() {
			c.flushMissed()
		}
	} else if c.layers[layerAircraft] {
		var feats [][]byte
		var removes []string
		aircraft := b.encodeAircraft()
		for i := range aircraft {
			f := &aircraft[i]
			if geo.InBound(c.bbox, f.p) {
				if t, ok := seen[f.id]; ok && !f.t.After(t) {
					continue
				}
				feats = append(feats, f.feat)
				c.visible[f.id] = struct{}{}
			} else if _, ok := c.visible[f.id]; ok {
				removes = append(removes, f.id)
				delete(c.visible, f.id)
			}
		}
		for _, hx := range b.removed {
			if _, ok := c.visible[hx]; ok {
				removes = append(removes, hx)
				delete(c.visible, hx)
			}
		}
		c.sendAircraft(feats, removes, b.epoch, b.offset)
	}
	off := b.offset
	if len(c.missed) > 0 {
		off = c.held
	} else {
		c.held = b.offset
	}
	if c.layers[layerAlerts] {
		for _, f := range b.alerts {
			m := appendEnvelope(nil, "alert", "", b.epoch, off, "data")
			m = append(m, f.feat...)
			c.enqueue(append(m, '}'))
		}
	}
	if c.layers[layerReports] {
		if c.raw {
			if feats := inBound(c.bbox, b.reports); len(feats) > 0 {
				c.enqueue(collection("update", layerReports, b.epoch, off, feats))
			}
		}
		if feats := inBound(c.bbox, b.cells); len(feats) > 0 {
			c.enqueue(collection("update", layerCells, b.epoch, off, feats))
		}
	}
}

func inBound(bbox orb.Bound, fs []encFeature) [][]byte {
	var out [][]byte
	for i := range fs {
		if geo.InBound(bbox, fs[i].p) {
			out = append(out, fs[i].feat)
		}
	}
	return out
}

func (c *client) sendError(msg string) {
	b, _ := json.Marshal(map[string]string{"type": "error", "error": msg})
	c.enqueue(b)
}

// closeWith closes the connection once, sending a close frame with code
// and reason when the socket takes it within a second. It never blocks
// the caller.
func (c *client) closeWith(code int, reason string) {
	c.once.Do(func() {
		c.qmu.Lock()
		c.closed = true
		c.queue = nil
		c.qmu.Unlock()
		close(c.done)
		go func() {
			_ = c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason),
				time.Now().Add(time.Second))
			_ = c.conn.Close()
		}()
	})
}
