package export

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"time"

	flatbuffers "github.com/google/flatbuffers/go"
	"github.com/paulmach/orb"
)

// FlatGeobuf (https://flatgeobuf.org, format version 3): the magic bytes,
// a size-prefixed Header flatbuffer, no spatial index (index_node_size 0),
// then one size-prefixed Feature flatbuffer per feature. Field slots follow
// header.fbs and feature.fbs.

var fgbMagic = []byte{'f', 'g', 'b', 3, 'f', 'g', 'b', 0}

// FlatGeobuf geometry types.
const (
	fgbUnknown         = 0
	fgbPoint           = 1
	fgbLineString      = 2
	fgbPolygon         = 3
	fgbMultiLineString = 5
	fgbMultiPolygon    = 6
)

// FlatGeobuf column types.
const (
	fgbBool     = 2
	fgbLong     = 7
	fgbDouble   = 10
	fgbString   = 11
	fgbJSON     = 12
	fgbDateTime = 13
)

func fgbGeomType(g orb.Geometry) byte {
	switch g.(type) {
	case orb.Point:
		return fgbPoint
	case orb.LineString:
		return fgbLineString
	case orb.Polygon:
		return fgbPolygon
	case orb.MultiLineString:
		return fgbMultiLineString
	case orb.MultiPolygon:
		return fgbMultiPolygon
	}
	return fgbUnknown
}

// fgbColumnTypes picks each column's type from its values: one kind of
// value throughout gives that type (int and float together: double),
// lists and objects are JSON, anything mixed is a string.
func fgbColumnTypes(set Set) []byte {
	cols := set.Columns()
	types := make([]byte, len(cols))
	seen := make([]bool, len(cols))
	for i := range set.Len() {
		for j, p := range set.Props(i) {
			if j >= len(types) || p.Value == nil {
				continue
			}
			var t byte
			switch p.Value.(type) {
			case string:
				t = fgbString
			case bool:
				t = fgbBool
			case int:
				t = fgbLong
			case float64:
				t = fgbDouble
			case time.Time:
				t = fgbDateTime
			default:
				t = fgbJSON
			}
			switch {
			case !seen[j]:
				types[j], seen[j] = t, true
			case types[j] == t:
			case (types[j] == fgbLong && t == fgbDouble) || (types[j] == fgbDouble && t == fgbLong):
				types[j] = fgbDouble
			default:
				types[j] = fgbString
			}
		}
	}
	for j := range types {
		if !seen[j] {
			types[j] = fgbString
		}
	}
	return types
}

// writeFGB streams set as a FlatGeobuf file named layer.
func writeFGB(w http.ResponseWriter, set Set, layer string) error {
	w.Header().Set("Content-Type", TypeFGB)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.fgb"`, layer))
	bw := bufio.NewWriterSize(w, flushEvery)
	types := fgbColumnTypes(set)
	var gtype byte
	for i := range set.Len() {
		t := fgbGeomType(set.Geometry(i))
		if i == 0 {
			gtype = t
		} else if t != gtype {
			gtype = fgbUnknown
		}
	}
	b := flatbuffers.NewBuilder(4096)
	if _, err := bw.Write(fgbMagic); err != nil {
		return err
	}
	if _, err := bw.Write(fgbHeader(b, layer, gtype, set.Columns(), types, set.Len())); err != nil {
		return err
	}
	var props []byte
	for i := range set.Len() {
		b.Reset()
		props = fgbProps(props[:0], set.Props(i), types)
		if _, err := bw.Write(fgbFeature(b, set.Geometry(i), props, gtype == fgbUnknown)); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// fgbHeader builds the size-prefixed header.
func fgbHeader(b *flatbuffers.Builder, layer string, gtype byte, names []string, types []byte, n int) []byte {
	name := b.CreateString(layer)
	cols := make([]flatbuffers.UOffsetT, len(names))
	for i, c := range names {
		cn := b.CreateString(c)
		b.StartObject(11)
		b.PrependUOffsetTSlot(0, cn, 0)
		b.PrependByteSlot(1, types[i], 0)
		cols[i] = b.EndObject()
	}
	b.StartVector(4, len(cols), 4)
	for i := len(cols) - 1; i >= 0; i-- {
		b.PrependUOffsetT(cols[i])
	}
	colVec := b.EndVector(len(cols))
	org := b.CreateString("EPSG")
	b.StartObject(6)
	b.PrependUOffsetTSlot(0, org, 0)
	b.PrependInt32Slot(1, 4326, 0)
	crs := b.EndObject()
	b.StartObject(14)
	b.PrependUOffsetTSlot(0, name, 0)
	b.PrependByteSlot(2, gtype, 0)
	b.PrependUOffsetTSlot(7, colVec, 0)
	b.PrependUint64Slot(8, uint64(n), 0)
	b.PrependUint16Slot(9, 0, 16) // no spatial index
	b.PrependUOffsetTSlot(10, crs, 0)
	b.FinishSizePrefixed(b.EndObject())
	return b.FinishedBytes()
}

// fgbProps encodes one feature's properties: per non-null value its
// column index (uint16) and the value (strings, JSON and date-times as a
// uint32 length and UTF-8 bytes).
func fgbProps(buf []byte, props []Prop, types []byte) []byte {
	le := binary.LittleEndian
	for j, p := range props {
		if j >= len(types) || p.Value == nil {
			continue
		}
		if f, ok := p.Value.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
			continue
		}
		buf = le.AppendUint16(buf, uint16(j))
		switch types[j] {
		case fgbBool:
			v := byte(0)
			if p.Value.(bool) {
				v = 1
			}
			buf = append(buf, v)
		case fgbLong:
			buf = le.AppendUint64(buf, uint64(int64(p.Value.(int))))
		case fgbDouble:
			f, ok := p.Value.(float64)
			if !ok {
				f = float64(p.Value.(int))
			}
			buf = le.AppendUint64(buf, math.Float64bits(f))
		default:
			var s string
			switch v := p.Value.(type) {
			case time.Time:
				if v.IsZero() {
					buf = buf[:len(buf)-2]
					continue
				}
				s = v.UTC().Format(time.RFC3339)
			case string:
				s = v
			default:
				if types[j] == fgbJSON {
					if b, err := json.Marshal(v); err == nil {
						s = string(b)
					}
				} else {
					s = CSVValue(v)
				}
			}
			buf = le.AppendUint32(buf, uint32(len(s)))
			buf = append(buf, s...)
		}
	}
	return buf
}

// fgbFeature builds one size-prefixed feature; typed writes the geometry
// type into the geometry (the header's type is Unknown).
func fgbFeature(b *flatbuffers.Builder, g orb.Geometry, props []byte, typed bool) []byte {
	var geom flatbuffers.UOffsetT
	if g != nil && fgbGeomType(g) != fgbUnknown {
		geom = fgbGeometry(b, g, typed)
	}
	var pv flatbuffers.UOffsetT
	if len(props) > 0 {
		pv = b.CreateByteVector(props)
	}
	b.StartObject(3)
	if geom != 0 {
		b.PrependUOffsetTSlot(0, geom, 0)
	}
	if pv != 0 {
		b.PrependUOffsetTSlot(1, pv, 0)
	}
	b.FinishSizePrefixed(b.EndObject())
	return b.FinishedBytes()
}

// fgbGeometry builds a Geometry table: xy of every vertex, ends of each
// ring or line after the first, parts for a MultiPolygon.
func fgbGeometry(b *flatbuffers.Builder, g orb.Geometry, typed bool) flatbuffers.UOffsetT {
	var lines [][]orb.Point
	switch g := g.(type) {
	case orb.Point:
		lines = [][]orb.Point{{g}}
	case orb.LineString:
		lines = [][]orb.Point{g}
	case orb.Polygon:
		for _, r := range g {
			lines = append(lines, r)
		}
	case orb.MultiLineString:
		for _, l := range g {
			lines = append(lines, l)
		}
	case orb.MultiPolygon:
		parts := make([]flatbuffers.UOffsetT, len(g))
		for i, p := range g {
			parts[i] = fgbGeometry(b, p, true)
		}
		b.StartVector(4, len(parts), 4)
		for i := len(parts) - 1; i >= 0; i-- {
			b.PrependUOffsetT(parts[i])
		}
		pv := b.EndVector(len(parts))
		b.StartObject(8)
		b.PrependUOffsetTSlot(7, pv, 0)
		if typed {
			b.PrependByteSlot(6, fgbMultiPolygon, 0)
		}
		return b.EndObject()
	}
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	b.StartVector(8, 2*n, 8)
	for i := len(lines) - 1; i >= 0; i-- {
		for j := len(lines[i]) - 1; j >= 0; j-- {
			b.PrependFloat64(lines[i][j][1])
			b.PrependFloat64(lines[i][j][0])
		}
	}
	xy := b.EndVector(2 * n)
	var ends flatbuffers.UOffsetT
	if len(lines) > 1 {
		b.StartVector(4, len(lines), 4)
		end := uint32(n)
		for i := len(lines) - 1; i >= 0; i-- {
			b.PrependUint32(end)
			end -= uint32(len(lines[i]))
		}
		ends = b.EndVector(len(lines))
	}
	b.StartObject(8)
	if ends != 0 {
		b.PrependUOffsetTSlot(0, ends, 0)
	}
	b.PrependUOffsetTSlot(1, xy, 0)
	if typed {
		b.PrependByteSlot(6, fgbGeomType(g), 0)
	}
	return b.EndObject()
}
