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
// state (see flushMissed). So are those of a batch that no longer holds
// its body (an old batch a resuming client replays). Messages of the other layers are never
// skipped; while aircraft changes are missed they carry the offset of the
// newest batch the client holds in full (held), so that resuming from any
// offset a client has seen replays everything it lacks, at worst twice.
func (c *client) sendBatch(b *batch, seen map[string]time.Time) {
	c.offset = b.offset
	if c.layers[layerAircraft] {
		bd := b.body.Load()
		compacted := bd == nil && len(b.air) > 0
		if len(c.missed) > 0 || c.behind() || compacted {
			c.skip(b)
			if !compacted && !c.behind() {
				c.flushMissed()
			}
		} else if b.hasAircraft() {
			c.sendAircraftOf(b, bd, seen)
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

// Aircraft updates are stateless per client: an aircraft is sent when it
// is inside the viewport now, and removed when the hub's previous state
// of it was inside and it is not (or it is gone). A delta item is sent
// when the client has had the hub's previous state, that is when it was
// inside the viewport and came after the client's stream began (since);
// otherwise the full item.

// tileInside reports whether tile t lies wholly inside b.
func tileInside(t tileKey, b orb.Bound) bool {
	if b == (orb.Bound{}) {
		return true
	}
	col, row := float64(int(t)%tileCols), float64(int(t)/tileCols)
	lon0, lat0 := col*tileDeg-180, row*tileDeg-90
	return geo.InBound(b, orb.Point{lon0, lat0}) && geo.InBound(b, orb.Point{lon0 + tileDeg, lat0 + tileDeg}) &&
		(b.Min[0] <= b.Max[0] || lon0 >= b.Min[0] || lon0+tileDeg <= b.Max[0])
}

// aircraftParts builds the client's aircraft update of b, whose body is
// bd, as parts of one frame (shared, read-only encodings) and the ids to
// remove; c.mu is held. Only the wire form the client uses is encoded.
// parts[0] is left nil for the caller's envelope head.
func (c *client) aircraftParts(b *batch, bd *body, seen map[string]time.Time) (parts [][]byte, removes []string) {
	delta := c.format == formatDelta
	var g *geoForm
	var d *deltaForm
	switch {
	case len(b.air) == 0: // removes only
	case delta:
		d = bd.deltaForm(b)
	default:
		g = bd.geoForm(b, c.h.deps.Encoder)
	}
	n := 0
	size := 16 // the head, the tail, and some slack
	if c.wide {
		size += 2 * len(b.tiles)
		if d != nil {
			size += 2 * d.loose
		}
	} else {
		for _, t := range c.tiles {
			size += 2 * (len(b.tiles[t]) + len(b.left[t]))
		}
	}
	parts = make([][]byte, 1, size)
	add := func(p []byte) {
		if n > 0 {
			parts = append(parts, comma)
		}
		parts = append(parts, p)
		n++
	}
	one := func(i int32) {
		m := &b.air[i]
		prevIn := m.hasPrev() && geo.InBound(c.bbox, m.prevP)
		if !geo.InBound(c.bbox, m.p) {
			if prevIn {
				removes = append(removes, m.id)
			}
			return
		}
		if t, ok := seen[m.id]; ok && !bd.raw[i].Time.After(t) {
			return
		}
		switch {
		case !delta:
			add(g.feat[i].of(g.arena))
		case prevIn && m.prevOff > c.since:
			add(d.item[i].of(d.arena))
		default:
			add(bd.fullItem(i))
		}
	}
	tile := func(t tileKey) {
		idx := b.tiles[t]
		if len(idx) == 0 {
			return
		}
		if seen == nil && tileInside(t, c.bbox) {
			if !delta {
				add(g.blocks[t].of(g.arena))
				return
			}
			if blk := d.blocks[t]; blk.ok && blk.minPrevOff > c.since {
				add(blk.s.of(d.arena))
				return
			}
		}
		for _, i := range idx {
			one(i)
		}
	}
	// aircraft that left the viewport's tiles (those that moved within
	// them are seen by tile)
	leftOf := func(t tileKey) {
		for _, i := range b.left[t] {
			if !c.inTiles(b.air[i].p) {
				one(i)
			}
		}
	}
	if c.wide {
		for t := range b.tiles {
			tile(t)
		}
	} else {
		for _, t := range c.tiles {
			tile(t)
			leftOf(t)
		}
	}
	for i := range b.removed {
		r := &b.removed[i]
		if !r.known || geo.InBound(c.bbox, r.p) {
			removes = append(removes, r.id)
		}
	}
	return parts, removes
}

var comma = []byte{','}

// sendAircraftOf queues the aircraft update and remove of b for the
// viewport; c.mu is held.
func (c *client) sendAircraftOf(b *batch, bd *body, seen map[string]time.Time) {
	parts, removes := c.aircraftParts(b, bd, seen)
	if len(parts) > 1 {
		var head, tail []byte
		if c.format == formatDelta {
			head = appendEnvelope(nil, "update", layerAircraft, formatDelta, b.epoch, b.offset, "data")
			head = append(head, '[')
			tail = deltaTail
		} else {
			head = appendEnvelope(nil, "update", layerAircraft, "", b.epoch, b.offset, "data")
			head = append(head, `{"type":"FeatureCollection","features":[`...)
			tail = collectionTail
		}
		parts[0] = head
		parts = append(parts, tail)
		m := qmsg{parts: parts, air: true}
		if c.h.cfg.Compression && seen == nil {
			key := frameKey{bbox: c.bbox, format: c.format}
			if c.format == formatDelta {
				key.since = c.since
			}
			if sm, err := b.sharedFrame(key, parts); err == nil {
				m = qmsg{pm: sm.pm, n: sm.n, air: true}
			}
		}
		c.push(m)
	}
	c.sendRemoves(removes, b.epoch, b.offset)
}

var (
	deltaTail      = []byte("]}")
	collectionTail = []byte("]}}")
)

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
