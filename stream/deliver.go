package stream

import (
	"fmt"
	"net/url"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/geo"
)

func urlHost(origin string) (string, error) {
	u, err := url.Parse(origin)
	if err != nil {
		return "", err
	}
	return u.Host, nil
}

// deliver sends the client its part of b, or closes the client when its
// queue has not moved for the stall timeout.
func (c *client) deliver(b *batch) {
	if c.stalled() {
		c.h.drop(reasonSlow)
		c.log.Info("closing stalled websocket client", "stall", c.h.cfg.StallTimeout)
		c.closeWith(websocket.CloseTryAgainLater, fmt.Sprintf("slow client: nothing written for %s", c.h.cfg.StallTimeout))
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.active || b.epoch != c.epoch || b.offset <= c.offset {
		return
	}
	c.sendBatch(b, nil)
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
	if c.layers[layerAircraft] {
		if len(c.missed) > 0 || c.behind() {
			c.skip(b)
			if !c.behind() {
				c.flushMissed()
			}
		} else if b.hasAircraft() {
			c.sendAircraftOf(b, seen)
		}
	}
	off := b.offset
	if len(c.missed) > 0 {
		off = c.held
	} else {
		c.held = b.offset
	}
	if c.layers[layerAlerts] {
		for _, f := range b.alerts {
			m := appendEnvelope(nil, "alert", "", "", b.epoch, off, "data")
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

// candidates calls visit with the index of every aircraft of b that may
// concern the viewport: those in its tiles now, and those that left its
// tiles and are now outside it (all of them for a wide viewport).
func (c *client) candidates(b *batch, enc []encAir, visit func(i int32)) {
	if c.wide {
		for i := range enc {
			visit(int32(i))
		}
		return
	}
	for _, t := range c.tiles {
		for _, i := range b.tiles[t] {
			visit(i)
		}
	}
	for _, t := range c.tiles {
		for _, i := range b.left[t] {
			if !geo.InBound(c.bbox, enc[i].p) {
				visit(i)
			}
		}
	}
}

// sendAircraftOf queues the aircraft update and remove of b for the
// viewport; c.mu is held.
func (c *client) sendAircraftOf(b *batch, seen map[string]time.Time) {
	enc := b.encode(c.h.deps.Encoder)
	var items [][]byte
	var removes []string
	delta := c.format == formatDelta
	c.candidates(b, enc, func(i int32) {
		f := &enc[i]
		if geo.InBound(c.bbox, f.p) {
			if t, ok := seen[f.id]; ok && !f.t.After(t) {
				return
			}
			switch synced, ok := c.visible[f.id]; {
			case !delta:
				items = append(items, f.geo)
			case ok && synced:
				items = append(items, f.delta)
			default:
				items = append(items, f.full)
			}
			c.visible[f.id] = true
		} else if _, ok := c.visible[f.id]; ok {
			removes = append(removes, f.id)
			delete(c.visible, f.id)
		}
	})
	for i := range b.removed {
		r := &b.removed[i]
		if !c.wide && !b.unknown && r.known && !c.inTiles(r.p) {
			continue
		}
		if _, ok := c.visible[r.id]; ok {
			removes = append(removes, r.id)
			delete(c.visible, r.id)
		}
	}
	if len(items) > 0 {
		switch {
		case delta:
			c.push(qmsg{b: deltaUpdate(b.epoch, b.offset, items), air: true})
		case seen == nil:
			// every GeoJSON client with this viewport gets the same frame
			m, err := b.sharedFrame(frameKey{bbox: c.bbox}, func() []byte {
				return collection("update", layerAircraft, b.epoch, b.offset, items)
			})
			if err != nil {
				c.push(qmsg{b: collection("update", layerAircraft, b.epoch, b.offset, items), air: true})
				break
			}
			c.push(qmsg{pm: m.pm, n: m.n, air: true})
		default:
			c.push(qmsg{b: collection("update", layerAircraft, b.epoch, b.offset, items), air: true})
		}
	}
	c.sendRemoves(removes, b.epoch, b.offset)
}

// inTiles reports whether p lies in one of the viewport's tiles.
func (c *client) inTiles(p orb.Point) bool {
	t := tileOf(p)
	for _, ct := range c.tiles {
		if ct == t {
			return true
		}
	}
	return false
}

// sendRemoves queues a remove message; c.mu is held.
func (c *client) sendRemoves(removes []string, epoch string, offset uint64) {
	if len(removes) == 0 {
		return
	}
	m := appendEnvelope(nil, "remove", layerAircraft, "", epoch, offset, "ids")
	m = appendIDs(m, removes)
	c.push(qmsg{b: append(m, '}'), air: true})
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
