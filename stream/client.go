package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
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
	// behindShare: a client whose queue holds more than 1/behindShare of
	// Config.QueueBytes (or any unsent aircraft message) is behind, and
	// its aircraft updates are skipped ahead.
	behindShare = 4
)

// subscribeMsg is what a client sends.
type subscribeMsg struct {
	Op     string    `json:"op"`
	BBox   []float64 `json:"bbox"`
	Layers []string  `json:"layers"`
	Format string    `json:"format"`
	Resume *struct {
		Epoch  string `json:"epoch"`
		Offset uint64 `json:"offset"`
	} `json:"resume"`
}

// client is one websocket connection: a reader (the handler goroutine)
// and a writer goroutine draining a byte-bounded queue.
type client struct {
	h     *Hub
	conn  *websocket.Conn
	raw   bool        // raw report points allowed
	other atomic.Bool // subscribed to alerts or reports
	log   *slog.Logger

	mu     sync.Mutex // guards the subscription below
	active bool
	bbox   orb.Bound
	wide   bool
	tiles  []tileKey
	layers map[string]bool
	format string // "" (GeoJSON) or formatDelta
	// since is the offset the client's unbroken stream of aircraft
	// changes starts after (its snapshot, resume or catch-up): it holds
	// the hub's state of every aircraft in its viewport changed after it.
	since  uint64
	epoch  string
	offset uint64 // newest batch delivered or skipped
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

// ServeHTTP upgrades the request to a websocket and reads the client's
// messages until the connection ends.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw := h.deps.Privacy.RawAllowed(r)
	conn, err := h.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	c := &client{h: h, conn: conn, raw: raw, log: h.log.With("remote", r.RemoteAddr),
		notify: make(chan struct{}, 1), done: make(chan struct{})}
	h.add(c)
	defer h.remove(c)
	go c.writeLoop()
	c.readLoop(r.Context())
}

// writeBufferSize is the size of the pooled write buffers: see newUpgrader.
const writeBufferSize = 16 << 10

func newUpgrader(h *Hub) websocket.Upgrader {
	return websocket.Upgrader{
		// clients send little (subscribe messages): the read buffer is
		// the one net/http read the request with (ReadBufferSize 0); write
		// buffers come from a pool shared by every connection, held only
		// while a message is written
		ReadBufferSize: 0, WriteBufferSize: writeBufferSize, WriteBufferPool: &h.writeBuffers,
		CheckOrigin:       h.checkOrigin,
		EnableCompression: h.cfg.Compression,
		Error: func(w http.ResponseWriter, _ *http.Request, status int, reason error) {
			msg := "websocket: " + reason.Error()
			if h.deps.Error != nil {
				h.deps.Error(w, status, msg)
			} else {
				http.Error(w, msg, status)
			}
		},
	}
}

// checkOrigin accepts requests without an Origin header, from the
// request's own host, or from Config.AllowedOrigins ("*": any).
func (h *Hub) checkOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if len(h.cfg.AllowedOrigins) > 0 {
		for _, o := range h.cfg.AllowedOrigins {
			if o == "*" || strings.EqualFold(o, origin) {
				return true
			}
		}
		return false
	}
	u, err := urlHost(origin)
	return err == nil && strings.EqualFold(u, r.Host)
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
	format string
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
		b, err := geo.ParseBound(m.BBox)
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
	switch m.Format {
	case "", "geojson":
	case formatDelta:
		sub.format = formatDelta
	default:
		return subscription{}, fmt.Errorf("unknown format %q: want geojson or delta", m.Format)
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
	if sub.resume && c.resume(sub) {
		return nil
	}
	if err := c.snapshot(ctx, sub); err != nil {
		c.log.Warn("websocket snapshot", "err", err)
		c.sendError("snapshot failed: " + err.Error())
	}
	return nil
}

// subscribe makes sub the client's subscription from offset on; c.mu is
// held.
func (c *client) subscribe(sub subscription, epoch string, offset uint64) {
	c.active, c.bbox, c.layers, c.format = true, sub.bbox, sub.layers, sub.format
	c.epoch, c.offset, c.held, c.since = epoch, offset, offset, offset
	c.tiles, c.wide = tilesOf(sub.bbox)
	c.clearMissed()
	c.other.Store(sub.layers[layerAlerts] || sub.layers[layerReports])
	c.h.index.set(c, sub.layers[layerAircraft], c.tiles, c.wide)
}

// snapshot sends the state inside the subscription's bbox, then the
// batches that came while it was read, and makes sub the subscription.
func (c *client) snapshot(ctx context.Context, sub subscription) error {
	ctx, cancel := context.WithTimeout(ctx, snapshotWait)
	defer cancel()
	h := c.h
	epoch, off := h.Position()
	var list []flight.Aircraft
	if sub.layers[layerAircraft] {
		var err error
		if list, err = h.deps.Source.AircraftIn(ctx, sub.bbox); err != nil {
			return fmt.Errorf("aircraft in %v: %w", sub.bbox, err)
		}
	}
	var cells []store.CellCount
	if sub.layers[layerReports] {
		var err error
		cells, err = h.deps.Source.Cells(ctx, store.CellQuery{Res: h.cfg.CellRes, BBox: sub.bbox})
		if err != nil {
			return fmt.Errorf("cells in %v: %w", sub.bbox, err)
		}
		cells = h.deps.Privacy.PublicCells(cells)
	}
	// encoded before taking c.mu, which the hub's delivery waits on
	var airMsg, cellMsg []byte
	seen := make(map[string]time.Time, len(list))
	if sub.layers[layerAircraft] {
		feats := make([][]byte, len(list))
		for i := range list {
			a := &list[i]
			feats[i] = h.deps.Encoder.AppendAircraft(nil, a)
			seen[a.Hex] = a.Time
		}
		airMsg = collection("snapshot", layerAircraft, epoch, off, feats)
	}
	if sub.layers[layerReports] {
		feats := make([][]byte, len(cells))
		for i := range cells {
			feats[i] = h.deps.Encoder.AppendCell(nil, cells[i])
		}
		cellMsg = collection("snapshot", layerCells, epoch, off, feats)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.subscribe(sub, epoch, off)
	if airMsg != nil {
		c.dropQueuedAir() // the snapshot replaces them
		c.enqueue(airMsg)
	}
	if cellMsg != nil {
		c.enqueue(cellMsg)
	}
	cur, batches, ok := h.since(epoch, off)
	if !ok {
		// the epoch changed while the store was read (lost bus events):
		// follow the new epoch from now; the hub resends snapshots
		c.epoch, c.offset = h.Position()
		c.held = c.offset
		return nil
	}
	for _, b := range batches {
		c.sendBatch(b, seen)
	}
	c.flushReplayed()
	c.offset = max(c.offset, cur)
	return nil
}

// resume replays the batches after the subscription's offset when its
// epoch is current and they are all kept; it reports whether it could.
func (c *client) resume(sub subscription) bool {
	h := c.h
	c.mu.Lock()
	defer c.mu.Unlock()
	cur, batches, ok := h.since(sub.epoch, sub.offset)
	if !ok {
		return false
	}
	c.subscribe(sub, sub.epoch, sub.offset)
	msg := appendEnvelope(nil, "resumed", "", "", sub.epoch, sub.offset, "missed")
	msg = strconv.AppendInt(msg, int64(len(batches)), 10)
	c.enqueue(append(msg, '}'))
	for _, b := range batches {
		c.sendBatch(b, nil)
	}
	c.flushReplayed()
	c.offset = max(c.offset, cur)
	return true
}

// flushReplayed sends the latest state of the aircraft of replayed
// batches that no longer held their body, unless the client is behind
// (then its writer does, once it has caught up); c.mu is held.
func (c *client) flushReplayed() {
	if len(c.missed) > 0 && !c.behind() {
		c.flushMissed()
	}
}

// resnapshot sends a fresh snapshot of the current subscription.
func (c *client) resnapshot(ctx context.Context) {
	c.mu.Lock()
	sub := subscription{bbox: c.bbox, layers: c.layers, format: c.format}
	active := c.active
	c.mu.Unlock()
	if !active {
		return
	}
	if err := c.snapshot(ctx, sub); err != nil {
		c.closeWith(websocket.CloseTryAgainLater, "snapshot failed; reconnect")
	}
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
