package server

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
// alerts, reports, cells, errors) are bounded by Config.WSQueueBytes; a
// queue with nothing written for the stall timeout closes the client.

// enqueue adds msg, which cannot be skipped, to the send queue. It
// always fits a queue holding no such messages; past Config.WSQueueBytes
// of them the client is closed as too slow.
func (c *client) enqueue(msg []byte) { c.push(msg, false) }

// push adds msg to the send queue; air messages are never refused, as
// behind keeps at most one batch of them unsent.
func (c *client) push(msg []byte, air bool) {
	c.qmu.Lock()
	if c.closed {
		c.qmu.Unlock()
		c.h.s.m.wsDropped.WithLabelValues("closed").Inc()
		return
	}
	if limit := c.h.s.cfg.WSQueueBytes; !air && c.fixed > 0 && c.fixed+len(msg) > limit {
		queued := c.fixed
		c.qmu.Unlock()
		c.h.s.m.wsDropped.WithLabelValues("slow_client").Inc()
		c.log.Info("closing slow websocket client", "queued_bytes", queued)
		c.closeWith(websocket.CloseTryAgainLater, fmt.Sprintf("slow client: send queue over %d bytes", limit))
		return
	}
	if c.qbytes == 0 {
		c.progress = time.Now()
	}
	c.queue = append(c.queue, qmsg{b: msg, air: air})
	c.qbytes += len(msg)
	if air {
		c.qair++
	} else {
		c.fixed += len(msg)
	}
	c.qmu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// behind reports whether aircraft updates are to be skipped: the queue
// holds an unsent aircraft message or over 1/behindShare of
// Config.WSQueueBytes.
func (c *client) behind() bool {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return c.qair > 0 || c.qbytes > c.h.s.cfg.WSQueueBytes/behindShare
}

// stalled reports whether the queue has held messages with none written
// for the stall timeout.
func (c *client) stalled() bool {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	return !c.closed && c.qbytes > 0 && time.Since(c.progress) > c.h.stall
}

// dropQueuedAir removes the aircraft messages not yet taken by the writer.
func (c *client) dropQueuedAir() {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	c.queue = slices.DeleteFunc(c.queue, func(m qmsg) bool {
		if m.air {
			c.qbytes -= len(m.b)
			c.qair--
		}
		return m.air
	})
}

// sendAircraft queues an aircraft update and a remove message; c.mu is held.
func (c *client) sendAircraft(feats [][]byte, removes []string, epoch string, offset uint64) {
	if len(feats) > 0 {
		c.push(collection("update", layerAircraft, epoch, offset, feats), true)
	}
	if len(removes) > 0 {
		m := appendEnvelope(nil, "remove", layerAircraft, epoch, offset, "ids")
		m = appendValue(m, removes)
		c.push(append(m, '}'), true)
	}
}

// skip adds the aircraft of b the client would be sent (those in the
// viewport, and those visible, which leave it or are removed) to the
// missed set; c.mu is held.
func (c *client) skip(b *batch) {
	if c.missed == nil {
		c.missed = make(map[string]struct{})
	}
	for _, a := range b.pts {
		if _, ok := c.visible[a.id]; ok || geo.InBound(c.bbox, a.p) {
			c.missed[a.id] = struct{}{}
		}
	}
	for _, hx := range b.removed {
		if _, ok := c.visible[hx]; ok {
			c.missed[hx] = struct{}{}
		}
	}
	c.pending.Store(len(c.missed) > 0)
}

// flushMissed queues one update with the latest state of the missed
// aircraft in the viewport and one remove for those visible that left it
// or are gone, both at offset, the newest batch handled; c.mu is held.
// The latest state may already hold changes of batches not yet delivered
// to the client: these come again, which is harmless.
func (c *client) flushMissed() {
	if len(c.missed) == 0 {
		return
	}
	hexes := make([]string, 0, len(c.missed))
	for hx := range c.missed {
		hexes = append(hexes, hx)
	}
	c.clearMissed()
	var feats [][]byte
	var removes []string
	for i, l := range c.h.latestOf(hexes) {
		hx := hexes[i]
		if l != nil && geo.InBound(c.bbox, orb.Point{l.a.Lon, l.a.Lat}) {
			feats = append(feats, l.feature())
			c.visible[hx] = struct{}{}
		} else if _, ok := c.visible[hx]; ok {
			removes = append(removes, hx)
			delete(c.visible, hx)
		}
	}
	c.sendAircraft(feats, removes, c.epoch, c.offset)
	c.held = c.offset
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
				for _, m := range msgs {
					if !c.write(m) {
						return
					}
				}
				c.catchUp()
			}
		}
	}
}

// write writes one message; false means the connection is closed.
func (c *client) write(m qmsg) bool {
	_ = c.conn.SetWriteDeadline(time.Now().Add(writeWait))
	if err := c.conn.WriteMessage(websocket.TextMessage, m.b); err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			c.h.s.m.wsDropped.WithLabelValues("slow_client").Inc()
			c.log.Info("closing slow websocket client: write timed out")
			c.closeWith(websocket.CloseTryAgainLater, "slow client: write timed out")
		} else {
			c.closeWith(websocket.CloseGoingAway, "")
		}
		return false
	}
	c.h.s.m.wsSent.Inc()
	c.qmu.Lock()
	c.qbytes -= len(m.b)
	if m.air {
		c.qair--
	} else {
		c.fixed -= len(m.b)
	}
	c.progress = time.Now()
	c.qmu.Unlock()
	return true
}
