package stream

import (
	"strconv"
	"sync"
	"time"

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

// encAir is one aircraft change of a batch in each wire form.
type encAir struct {
	id    string
	p     orb.Point
	t     time.Time
	geo   []byte // GeoJSON Feature
	delta []byte // delta item: the fields changed since the hub's previous state
	full  []byte // delta item with every field
	// the hub's previous state: where it was, and the offset of the
	// batch that brought it (hasPrev false: new to the hub)
	prevP   orb.Point
	prevOff uint64
	hasPrev bool
}

// tileBlock is a batch's aircraft in one tile, encoded once: a client
// whose viewport holds the whole tile takes the block as it is.
type tileBlock struct {
	idx []int32 // the aircraft, indexes into batch.aircraft
	geo []byte  // their GeoJSON features, comma-separated
	// delta holds their delta items, comma-separated, when every one of
	// them was in this tile before (deltaOK); a client may take it when
	// it has had every change since minPrevOff.
	delta      []byte
	deltaOK    bool
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

	// raw holds the latest state per aircraft until encode, prev the
	// hub's state of each before the batch (nil: new to the hub).
	raw     []flight.Aircraft
	prev    []*flight.Aircraft
	prevOff []uint64
	pts     []orb.Point // where each aircraft of raw is, kept after encode

	// tiles lists the aircraft (indexes into raw/aircraft) by the tile
	// they are in now, left those whose previous tile differs by that
	// previous tile, gone the removed by their last tile.
	tiles   map[tileKey][]int32
	left    map[tileKey][]int32
	removed []removedAir
	gone    map[tileKey][]int32
	unknown bool // a removed aircraft has no known position

	encOnce  sync.Once
	aircraft []encAir               // only after encode
	blocks   map[tileKey]*tileBlock // only after encode

	encSize int // bytes held by the encodings, once encoded

	alerts  []encFeature
	reports []encFeature // raw report points
	cells   []encFeature // changed cells passing the privacy threshold
	size    int

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
// and full delta forms, and its bookkeeping. They size the arenas, and
// bound the history before its batches are encoded (then their real
// size does).
const (
	geoChangeSize      = 400
	deltaChangeSize    = 80
	fullChangeSize     = 260
	encAirSize         = 200
	aircraftChangeSize = geoChangeSize + deltaChangeSize + fullChangeSize + encAirSize
)

func (h *Hub) newBatch() *batch {
	b := &batch{}
	if n := len(h.pendAir); n > 0 {
		b.raw = make([]flight.Aircraft, 0, n)
		b.prev = make([]*flight.Aircraft, 0, n)
		b.prevOff = make([]uint64, 0, n)
		b.pts = make([]orb.Point, 0, n)
		b.tiles = make(map[tileKey][]int32)
		h.latestMu.RLock()
		for _, a := range h.pendAir {
			i := int32(len(b.raw))
			b.raw = append(b.raw, a)
			p := point(&a)
			b.pts = append(b.pts, p)
			t := tileOf(p)
			b.tiles[t] = append(b.tiles[t], i)
			var prev *flight.Aircraft
			var prevOff uint64
			if l := h.latest[a.Hex]; l != nil {
				prev, prevOff = &l.a, l.off
				if pt := tileOf(point(prev)); pt != t {
					if b.left == nil {
						b.left = make(map[tileKey][]int32)
					}
					b.left[pt] = append(b.left[pt], i)
				}
			}
			b.prev = append(b.prev, prev)
			b.prevOff = append(b.prevOff, prevOff)
		}
		h.latestMu.RUnlock()
		b.size += n * aircraftChangeSize
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
	b.size += len(hx) + 3
}

// hasAircraft reports whether b changes or removes aircraft.
func (b *batch) hasAircraft() bool { return len(b.pts) > 0 || len(b.removed) > 0 }

// encode encodes the batch's aircraft in every form, and each tile's
// block, once; it is safe for concurrent use, and the encodings are
// read-only afterwards.
func (b *batch) encode(enc Encoder) []encAir {
	b.encOnce.Do(func() {
		n := len(b.raw)
		b.aircraft = make([]encAir, n)
		b.blocks = make(map[tileKey]*tileBlock, len(b.tiles))
		// the features are written tile by tile, comma-separated, into
		// arenas, so that a tile's block is a slice of them and each
		// feature a slice of its block; slices stay valid when an arena
		// grows
		geoArena := make([]byte, 0, n*geoChangeSize)
		deltaArena := make([]byte, 0, n*deltaChangeSize)
		fullArena := make([]byte, 0, n*fullChangeSize)
		for t, idx := range b.tiles {
			blk := &tileBlock{idx: idx, deltaOK: true, minPrevOff: ^uint64(0)}
			geo0, delta0 := len(geoArena), len(deltaArena)
			for k, i := range idx {
				a := &b.raw[i]
				f := encAir{id: a.Hex, p: b.pts[i], t: a.Time}
				if k > 0 {
					geoArena = append(geoArena, ',')
					deltaArena = append(deltaArena, ',')
				}
				start := len(geoArena)
				geoArena = enc.AppendAircraft(geoArena, a)
				f.geo = geoArena[start:len(geoArena):len(geoArena)]
				start = len(fullArena)
				fullArena = appendDelta(fullArena, a, nil)
				f.full = fullArena[start:len(fullArena):len(fullArena)]
				start = len(deltaArena)
				if prev := b.prev[i]; prev != nil {
					deltaArena = appendDelta(deltaArena, a, prev)
					f.prevP, f.prevOff, f.hasPrev = point(prev), b.prevOff[i], true
				} else {
					deltaArena = append(deltaArena, f.full...)
				}
				f.delta = deltaArena[start:len(deltaArena):len(deltaArena)]
				if !f.hasPrev || tileOf(f.prevP) != t {
					blk.deltaOK = false
				}
				blk.minPrevOff = min(blk.minPrevOff, f.prevOff)
				b.aircraft[i] = f
			}
			blk.geo = geoArena[geo0:len(geoArena):len(geoArena)]
			if blk.deltaOK {
				blk.delta = deltaArena[delta0:len(deltaArena):len(deltaArena)]
			}
			b.blocks[t] = blk
		}
		b.encSize = cap(geoArena) + cap(deltaArena) + cap(fullArena) + n*encAirSize
		b.raw, b.prev, b.prevOff = nil, nil, nil
	})
	return b.aircraft
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
