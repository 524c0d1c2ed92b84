package stream

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/geo"
)

// A client's send queue, and skipping ahead: a client that is behind
// (see behind) is not queued aircraft updates; the aircraft they hold
// are kept in its missed set, and once its queue has drained one update
// brings their latest state. Messages that cannot be skipped (snapshots,
// alerts, reports, cells, errors) are bounded by Config.QueueBytes; a
// queue with nothing written for the stall timeout closes the client.

// qmsg is one queued message, its bytes or a frame shared with other
// clients; air messages (aircraft updates and removes) can be skipped
// ahead, the others cannot.
type qmsg struct {
	b     []byte
	parts [][]byte                   // or the frame in parts, read-only: they are shared
	pm    *websocket.PreparedMessage // or a frame prepared once for several clients
	n     int                        // the size of pm
	air   bool
}

func (m *qmsg) size() int {
	switch {
	case m.pm != nil:
		return m.n
	case m.parts != nil:
		return partsLen(m.parts)
	}
	return len(m.b)
}

// enqueue adds msg, which cannot be skipped, to the send queue. It
// always fits a queue holding no such messages; past Config.QueueBytes
// of them the client is closed as too slow.
func (c *client) enqueue(msg []byte) { c.push(qmsg{b: msg}) }

// push adds m to the send queue; air messages are never refused, as
// behind keeps at most one batch of them unsent.
func (c *client) push(m qmsg) {
	n := m.size()
	c.qmu.Lock()
	if c.closed {
		c.qmu.Unlock()
		c.h.drop(reasonClosed)
		return
	}
	if limit := c.h.cfg.QueueBytes; !m.air && c.fixed > 0 && c.fixed+n > limit {
		queued := c.fixed
		c.qmu.Unlock()
		c.h.drop(reasonSlow)
		c.log.Info("closing slow websocket client", "queued_bytes", queued)
		c.closeWith(websocket.CloseTryAgainLater, fmt.Sprintf("slow client: send queue over %d bytes", limit))
		return
	}
	if c.qbytes == 0 {
		c.progress = time.Now()
	}
	c.queue = append(c.queue, m)
	c.qbytes += n
	if m.air {
		c.qair++
	} else {
		c.fixed += n
	}
	c.qmu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// behind reports whether aircraft updates are to be skipped: the queue
// holds an unsent aircraft message or over 1/behindShare of
// Config.QueueBytes.
func (c *client) behind() bool {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return c.qair > 0 || c.qbytes > c.h.cfg.QueueBytes/behindShare
}

// stalled reports whether the queue has held messages with none written
// for the stall timeout.
func (c *client) stalled() bool {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return !c.closed && c.qbytes > 0 && time.Since(c.progress) > c.h.cfg.StallTimeout
}

// dropQueuedAir removes the aircraft messages not yet taken by the writer.
func (c *client) dropQueuedAir() {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	c.queue = slices.DeleteFunc(c.queue, func(m qmsg) bool {
		if m.air {
			c.qbytes -= m.size()
			c.qair--
		}
		return m.air
	})
}

// skip adds the aircraft of b the client would be sent (those inside the
// viewport before or after) to the missed set; c.mu is held.
func (c *client) skip(b *batch) {
	if c.missed == nil {
		c.missed = make(map[string]struct{})
	}
	mark := func(i int32) {
		m := &b.air[i]
		if geo.InBound(c.bbox, m.p) || (m.hasPrev() && geo.InBound(c.bbox, m.prevP)) {
			c.missed[m.id] = struct{}{}
		}
	}
	if c.wide {
		for i := range b.air {
			mark(int32(i))
		}
	} else {
		for _, t := range c.tiles {
			for _, i := range b.tiles[t] {
				mark(i)
			}
			for _, i := range b.left[t] {
				mark(i)
			}
		}
	}
	for _, r := range b.removed {
		if !r.known || geo.InBound(c.bbox, r.p) {
			c.missed[r.id] = struct{}{}
		}
	}
	c.pending.Store(len(c.missed) > 0)
}

// flushMissed queues one update with the latest state of the missed
// aircraft in the viewport and one remove for those that are not, both
// at offset, the newest batch handled; c.mu is held. The latest state
// may already hold changes of batches not yet delivered to the client:
// these come again, which is harmless. The client's stream of changes
// starts again after offset.
func (c *client) flushMissed() {
	if len(c.missed) == 0 {
		return
	}
	hexes := make([]string, 0, len(c.missed))
	for hx := range c.missed {
		hexes = append(hexes, hx)
	}
	c.clearMissed()
	var items [][]byte
	var removes []string
	for i, l := range c.h.latestOf(hexes) {
		if l != nil && geo.InBound(c.bbox, orb.Point{l.a.Lon, l.a.Lat}) {
			if c.format == formatDelta {
				items = append(items, l.compact())
			} else {
				items = append(items, l.feature(c.h.deps.Encoder))
			}
		} else {
			removes = append(removes, hexes[i])
		}
	}
	if len(items) > 0 {
		if c.format == formatDelta {
			c.push(qmsg{b: deltaUpdate(c.epoch, c.offset, items), air: true})
		} else {
			c.push(qmsg{b: collection("update", layerAircraft, c.epoch, c.offset, items), air: true})
		}
	}
	c.sendRemoves(removes, c.epoch, c.offset)
	c.held, c.since = c.offset, c.offset
}

func (c *client) clearMissed() {
	c.missed = nil
	c.pending.Store(false)
}

// catchUp sends the missed aircraft once the client is no longer behind.
func (c *client) catchUp() {
	if !c.pending.Load() || c.behind() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active && !c.behind() {
		c.flushMissed()
	}
}

func (c *client) writeLoop() {
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-ping.C:
			if err := c.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				c.closeWith(websocket.CloseGoingAway, "")
				return
			}
		case <-c.notify:
			for {
				c.qmu.Lock()
				msgs := c.queue
				c.queue = nil
				c.qmu.Unlock()
				if len(msgs) == 0 {
					break
				}
				for i := range msgs {
					if !c.write(&msgs[i]) {
						return
					}
				}
				c.catchUp()
			}
		}
	}
}

// write writes one message; false means the connection is closed.
func (c *client) write(m *qmsg) bool {
	_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
	var err error
	switch {
	case m.pm != nil:
		err = c.conn.WritePreparedMessage(m.pm)
	case m.parts != nil:
		err = c.writeParts(m.parts)
	default:
		err = c.conn.WriteMessage(websocket.TextMessage, m.b)
	}
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			c.h.drop(reasonSlow)
			c.log.Info("closing slow websocket client: write timed out")
			c.closeWith(websocket.CloseTryAgainLater, "slow client: write timed out")
		} else {
			c.closeWith(websocket.CloseGoingAway, "")
		}
		return false
	}
	c.h.m.sent.Inc()
	n := m.size()
	c.qmu.Lock()
	c.qbytes -= n
	if m.air {
		c.qair--
	} else {
		c.fixed -= n
	}
	c.progress = time.Now()
	c.qmu.Unlock()
	return true
}

// writeParts writes one text frame made of parts.
func (c *client) writeParts(parts [][]byte) error {
	w, err := c.conn.NextWriter(websocket.TextMessage)
	if err != nil {
		return err
	}
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			_ = w.Close()
			return err
		}
	}
	return w.Close()
}
