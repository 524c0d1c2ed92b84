package stream

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
)

// encFeature is a feature encoded once per tick and shared by every
// client's message.
type encFeature struct {
	id   string
	p    orb.Point
	t    time.Time
	feat []byte
}

// airMeta is one aircraft change of a batch as the history keeps it for
// as long as the batch is kept: which aircraft, where it is, and where
// the hub had it before. It is all a resuming client needs to know which
// aircraft it missed (see client.skip).
type airMeta struct {
	id    string
	p     orb.Point
	prevP orb.Point // the hub's previous position, when prevOff > 0
	// prevOff is the offset of the batch that brought the hub's previous
	// state; 0: the aircraft was new to the hub (offsets start at 1).
	prevOff uint64
}

func (m *airMeta) hasPrev() bool { return m.prevOff > 0 }

// span is a feature or a tile's block within an arena.
type span struct{ start, end uint32 }

func (s span) of(arena []byte) []byte { return arena[s.start:s.end:s.end] }

// body is what a batch holds to encode its aircraft changes, and the
// encodings made: each wire form is encoded on first use, for the whole
// batch, and full delta items one by one (a client needs them only for
// aircraft new to it). The hub drops the body of batches older than
// fullHistory; the history then keeps their airMeta only.
type body struct {
	raw  []flight.Aircraft  // the latest state per aircraft, indexes as batch.air
	prev []*flight.Aircraft // the hub's state of each before the batch (nil: new)

	geoMu sync.Mutex
	geo   atomic.Pointer[geoForm]

	deltaMu sync.Mutex
	delta   atomic.Pointer[deltaForm]

	full  []atomic.Pointer[[]byte] // full delta items, encoded on demand
	bytes atomic.Int64             // bytes held by the encodings
}

// geoForm is a batch's GeoJSON Features, written tile by tile,
// comma-separated, so that a tile's block is one span.
type geoForm struct {
	arena  []byte
	feat   []span // per aircraft
	blocks map[tileKey]span
}

// deltaForm is a batch's delta items (the fields changed since the hub's
// previous state; the full item for an aircraft new to the hub), written
// tile by tile like geoForm.
type deltaForm struct {
	arena  []byte
	item   []span
	blocks map[tileKey]deltaBlock
	loose  int // aircraft in blocks that are not ok
}

// deltaBlock is a tile's delta items; a client may take them as they are
// when every one of them was in this tile before (ok) and it has had
// every change since minPrevOff.
type deltaBlock struct {
	s          span
	ok         bool
	minPrevOff uint64
}

// removedAir is an aircraft removed in a batch, at its last known
// position (known false: the hub never saw it).
type removedAir struct {
	id    string
	p     orb.Point
	known bool
}

// batch is one tick's changes, numbered by offset within an epoch.
type batch struct {
	epoch  string
	offset uint64

	air []airMeta // the changed aircraft, latest state per aircraft

	// tiles lists the aircraft (indexes into air) by the tile they are in
	// now, left those whose previous tile differs by that previous tile,
	// gone the removed by their last tile.
	tiles   map[tileKey][]int32
	left    map[tileKey][]int32
	removed []removedAir
	gone    map[tileKey][]int32
	unknown bool // a removed aircraft has no known position

	// body holds what encodes the aircraft changes; nil once the batch
	// is old (compacted): a client replaying it skips ahead instead.
	body atomic.Pointer[body]

	alerts  []encFeature
	reports []encFeature // raw report points
	cells   []encFeature // changed cells passing the privacy threshold
	size    int          // bytes held, but the body

	// frames shares whole update frames between clients with the same
	// viewport and format.
	framesMu sync.Mutex
	frames   map[frameKey]sharedMsg
}

// sharedMsg is a frame shared by clients with compression on: prepared
// (and compressed) once.
type sharedMsg struct {
	pm *websocket.PreparedMessage
	n  int
}

type frameKey struct {
	bbox   orb.Bound
	format string
	since  uint64 // delta only: the items depend on it
}

// Sizes of one aircraft change: about its encodings in the GeoJSON, delta
// and full delta forms, which size the arenas, and what the history holds
// for it, which bounds the history's bytes.
const (
	geoChangeSize   = 400
	deltaChangeSize = 80
	fullChangeSize  = 320
	metaChangeSize  = int(unsafe.Sizeof(airMeta{})) + 4 + 8 // and its tile index, its hex
	bodyChangeSize  = int(unsafe.Sizeof(flight.Aircraft{}) + unsafe.Sizeof((*flight.Aircraft)(nil)) +
		unsafe.Sizeof(atomic.Pointer[[]byte]{}))
)

func (h *Hub) newBatch() *batch {
	b := &batch{}
	if n := len(h.pendAir); n > 0 {
		bd := &body{raw: make([]flight.Aircraft, 0, n), prev: make([]*flight.Aircraft, 0, n),
			full: make([]atomic.Pointer[[]byte], n)}
		b.air = make([]airMeta, 0, n)
		b.tiles = make(map[tileKey][]int32)
		h.latestMu.RLock()
		for _, a := range h.pendAir {
			i := int32(len(b.air))
			bd.raw = append(bd.raw, a)
			m := airMeta{id: a.Hex, p: point(&a)}
			t := tileOf(m.p)
			b.tiles[t] = append(b.tiles[t], i)
			var prev *flight.Aircraft
			if l := h.latest[a.Hex]; l != nil {
				prev, m.prevOff, m.prevP = &l.a, l.off, point(&l.a)
				if pt := tileOf(m.prevP); pt != t {
					if b.left == nil {
						b.left = make(map[tileKey][]int32)
					}
					b.left[pt] = append(b.left[pt], i)
					b.size += 4
				}
			}
			bd.prev = append(bd.prev, prev)
			b.air = append(b.air, m)
		}
		h.latestMu.RUnlock()
		b.body.Store(bd)
		b.size += n * metaChangeSize
	}
	if len(h.pendRemoved) > 0 {
		h.latestMu.RLock()
		for hx := range h.pendRemoved {
			b.addRemoved(hx, h.latest[hx])
		}
		h.latestMu.RUnlock()
	}
	enc := h.deps.Encoder
	for i := range h.pendAlerts {
		a := &h.pendAlerts[i]
		f := encFeature{id: a.ID, p: orb.Point{a.Lon, a.Lat}, t: a.Time, feat: enc.AppendAlert(nil, a)}
		b.alerts = append(b.alerts, f)
		b.size += len(f.feat)
	}
	for i := range h.pendReports {
		r := &h.pendReports[i]
		f := encFeature{id: r.ID, p: orb.Point{r.Lon, r.Lat}, t: r.Time, feat: enc.AppendReport(nil, r)}
		b.reports = append(b.reports, f)
		b.size += len(f.feat)
	}
	b.cells = h.pendCells
	for _, f := range b.cells {
		b.size += len(f.feat)
	}
	return b
}

// addRemoved adds a removed aircraft, whose last state is l (nil: the hub
// never saw it).
func (b *batch) addRemoved(hx string, l *latestAir) {
	r := removedAir{id: hx}
	if l != nil {
		r.p, r.known = point(&l.a), true
		if b.gone == nil {
			b.gone = make(map[tileKey][]int32)
		}
		t := tileOf(r.p)
		b.gone[t] = append(b.gone[t], int32(len(b.removed)))
	} else {
		b.unknown = true
	}
	b.removed = append(b.removed, r)
	b.size += int(unsafe.Sizeof(removedAir{})) + 4 + 8
}

// hasAircraft reports whether b changes or removes aircraft.
func (b *batch) hasAircraft() bool { return len(b.air) > 0 || len(b.removed) > 0 }

// bytes returns about how many bytes b holds.
func (b *batch) bytes() int {
	n := b.size
	if bd := b.body.Load(); bd != nil {
		n += len(bd.raw)*bodyChangeSize + int(bd.bytes.Load())
	}
	return n
}

// geoForm returns the batch's GeoJSON features, encoding them on first
// use; it is safe for concurrent use, and the form is read-only.
func (bd *body) geoForm(b *batch, enc Encoder) *geoForm {
	if g := bd.geo.Load(); g != nil {
		return g
	}
	bd.geoMu.Lock()
	defer bd.geoMu.Unlock()
	if g := bd.geo.Load(); g != nil {
		return g
	}
	n := len(bd.raw)
	g := &geoForm{arena: make([]byte, 0, n*geoChangeSize), feat: make([]span, n),
		blocks: make(map[tileKey]span, len(b.tiles))}
	for t, idx := range b.tiles {
		blk := span{start: uint32(len(g.arena))}
		for k, i := range idx {
			if k > 0 {
				g.arena = append(g.arena, ',')
			}
			start := len(g.arena)
			g.arena = enc.AppendAircraft(g.arena, &bd.raw[i])
			g.feat[i] = span{uint32(start), uint32(len(g.arena))}
		}
		blk.end = uint32(len(g.arena))
		g.blocks[t] = blk
	}
	bd.bytes.Add(int64(cap(g.arena) + n*int(unsafe.Sizeof(span{}))))
	bd.geo.Store(g)
	return g
}

// deltaForm returns the batch's delta items, encoding them on first use;
// it is safe for concurrent use, and the form is read-only.
func (bd *body) deltaForm(b *batch) *deltaForm {
	if d := bd.delta.Load(); d != nil {
		return d
	}
	bd.deltaMu.Lock()
	defer bd.deltaMu.Unlock()
	if d := bd.delta.Load(); d != nil {
		return d
	}
	n := len(bd.raw)
	d := &deltaForm{arena: make([]byte, 0, n*deltaChangeSize), item: make([]span, n),
		blocks: make(map[tileKey]deltaBlock, len(b.tiles))}
	for t, idx := range b.tiles {
		blk := deltaBlock{s: span{start: uint32(len(d.arena))}, ok: true, minPrevOff: ^uint64(0)}
		for k, i := range idx {
			if k > 0 {
				d.arena = append(d.arena, ',')
			}
			start := len(d.arena)
			d.arena = appendDelta(d.arena, &bd.raw[i], bd.prev[i]) // prev nil: full
			d.item[i] = span{uint32(start), uint32(len(d.arena))}
			m := &b.air[i]
			if !m.hasPrev() || tileOf(m.prevP) != t {
				blk.ok = false
			}
			blk.minPrevOff = min(blk.minPrevOff, m.prevOff)
		}
		blk.s.end = uint32(len(d.arena))
		d.blocks[t] = blk
		if !blk.ok {
			d.loose += len(idx)
		}
	}
	bd.bytes.Add(int64(cap(d.arena) + n*int(unsafe.Sizeof(span{}))))
	bd.delta.Store(d)
	return d
}

// fullItem returns aircraft i's full delta item, encoding it on first
// use; it is safe for concurrent use.
func (bd *body) fullItem(i int32) []byte {
	if p := bd.full[i].Load(); p != nil {
		return *p
	}
	item := appendDelta(make([]byte, 0, fullChangeSize), &bd.raw[i], nil)
	item = item[:len(item):len(item)]
	if bd.full[i].CompareAndSwap(nil, &item) {
		bd.bytes.Add(int64(cap(item)) + 32)
		return item
	}
	return *bd.full[i].Load()
}

// sharedFrame returns the prepared frame of parts for key, preparing it
// on first use; it is safe for concurrent use. Clients with the same
// viewport and format get the same update frame, compressed once.
func (b *batch) sharedFrame(key frameKey, parts [][]byte) (sharedMsg, error) {
	b.framesMu.Lock()
	defer b.framesMu.Unlock()
	if m, ok := b.frames[key]; ok {
		return m, nil
	}
	data := make([]byte, 0, partsLen(parts))
	for _, p := range parts {
		data = append(data, p...)
	}
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, data)
	if err != nil {
		return sharedMsg{}, err
	}
	if b.frames == nil {
		b.frames = make(map[frameKey]sharedMsg)
	}
	m := sharedMsg{pm: pm, n: len(data)}
	b.frames[key] = m
	return m, nil
}

func partsLen(parts [][]byte) int {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	return n
}

// appendEnvelope appends the head of a message, up to and including
// `"data":` (or `"ids":`).
func appendEnvelope(b []byte, typ, layer, format, epoch string, offset uint64, field string) []byte {
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, '"')
	if layer != "" {
		b = append(b, `,"layer":"`...)
		b = append(b, layer...)
		b = append(b, '"')
	}
	if format != "" {
		b = append(b, `,"format":"`...)
		b = append(b, format...)
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
	b := make([]byte, 0, joinedLen(feats)+128)
	b = appendEnvelope(b, typ, layer, "", epoch, offset, "data")
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	b = appendJoined(b, feats)
	return append(b, "]}}"...)
}

// deltaUpdate wraps delta items into an aircraft update message.
func deltaUpdate(epoch string, offset uint64, items [][]byte) []byte {
	b := make([]byte, 0, joinedLen(items)+96)
	b = appendEnvelope(b, "update", layerAircraft, formatDelta, epoch, offset, "data")
	b = append(b, '[')
	b = appendJoined(b, items)
	return append(b, "]}"...)
}

func joinedLen(parts [][]byte) int {
	n := 0
	for _, p := range parts {
		n += len(p) + 1
	}
	return n
}

func appendJoined(b []byte, parts [][]byte) []byte {
	for i, p := range parts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, p...)
	}
	return b
}

// appendIDs appends a JSON array of strings that need no escaping beyond
// quotes (aircraft hexes).
func appendIDs(b []byte, ids []string) []byte {
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = flight.AppendQuoted(b, id)
	}
	return append(b, ']')
}
