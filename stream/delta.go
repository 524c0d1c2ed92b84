package stream

import (
	"math"
	"slices"
	"strconv"

	"github.com/flightwatch/flightwatch/feature"
	"github.com/flightwatch/flightwatch/flight"
)

// The delta format, asked for with "format":"delta" at subscribe. The
// snapshot is GeoJSON as in the default format; aircraft updates are
//
//	{"type":"update","layer":"aircraft","format":"delta","epoch":E,"offset":N,"data":[item,...]}
//
// where an item is an object with the aircraft's "id" (its hex), "c"
// ([lon, lat], rounded to 4 decimals, about 11 m) when the position
// changed, and only the properties of the GeoJSON feature that changed,
// under the same names: alt_ft, gs_kt, track and vrate_fpm rounded to
// whole units, seen and leg_start as Unix seconds, the others as in
// GeoJSON (null: now unknown). An item with "f":1 is full: it carries every property, and
// replaces what the client holds (an aircraft new to the client, or one
// it may have missed changes of). Removes are as in GeoJSON.
const formatDelta = "delta"

// deltaCoordScale rounds coordinates to 1e-4 degrees.
const deltaCoordScale = 1e4

// quantized is an aircraft's state as the delta format carries it.
type quantized struct {
	lon, lat                  int64
	alt, gs, track, vrate     int64
	hasAlt, hasGS, hasTrack   bool
	hasVRate, hasGround       bool
	onGround, military        bool
	seen, legStart            int64 // Unix seconds; legStart 0: no leg
	callsign, reg, typ        string
	squawk, phase, watch, leg string
	source                    string
	tags                      []string
}

func quantize(a *flight.Aircraft) quantized {
	return quantized{
		lon: int64(math.Round(a.Lon * deltaCoordScale)), lat: int64(math.Round(a.Lat * deltaCoordScale)),
		alt: int64(math.Round(a.AltFt)), gs: int64(math.Round(a.GSKt)), track: int64(math.Round(a.TrackDeg)) % 360,
		vrate:  int64(math.Round(a.VRateFPM)),
		hasAlt: a.Has&flight.HasAlt != 0, hasGS: a.Has&flight.HasGS != 0, hasTrack: a.Has&flight.HasTrack != 0,
		hasVRate: a.Has&flight.HasVRate != 0, hasGround: a.Has&flight.HasGround != 0,
		onGround: a.OnGround, military: a.Military, seen: a.Time.Unix(),
		callsign: a.Callsign, reg: a.Reg, typ: a.Type, squawk: a.Squawk, phase: string(a.Phase),
		watch: a.Watch, leg: a.Leg, tags: a.Tags, legStart: legStart(a.Leg), source: a.Source,
	}
}

// legStart is the Unix second of the first sighting of leg id, 0 when
// there is none.
func legStart(id string) int64 {
	if t, ok := feature.LegStart(id); ok {
		return t.Unix()
	}
	return 0
}

// appendDelta appends a's delta item: the fields that differ from prev,
// or a full item when prev is nil.
func appendDelta(b []byte, a *flight.Aircraft, prev *flight.Aircraft) []byte {
	q := quantize(a)
	full := prev == nil
	var p quantized
	if !full {
		p = quantize(prev)
	}
	b = append(b, `{"id":`...)
	b = flight.AppendQuoted(b, a.Hex)
	if full {
		b = append(b, `,"f":1`...)
	}
	if full || q.lon != p.lon || q.lat != p.lat {
		b = append(b, `,"c":[`...)
		b = appendScaled(b, q.lon)
		b = append(b, ',')
		b = appendScaled(b, q.lat)
		b = append(b, ']')
	}
	b = deltaStr(b, full, "callsign", q.callsign, p.callsign)
	b = deltaStr(b, full, "reg", q.reg, p.reg)
	b = deltaStr(b, full, "type", q.typ, p.typ)
	b = deltaNum(b, full, "alt_ft", q.hasAlt, q.alt, p.hasAlt, p.alt)
	b = deltaNum(b, full, "gs_kt", q.hasGS, q.gs, p.hasGS, p.gs)
	b = deltaNum(b, full, "track", q.hasTrack, q.track, p.hasTrack, p.track)
	if full || q.hasGround != p.hasGround || q.onGround != p.onGround {
		b = append(b, `,"on_ground":`...)
		if q.hasGround {
			b = strconv.AppendBool(b, q.onGround)
		} else {
			b = append(b, "null"...)
		}
	}
	if full || q.seen != p.seen {
		b = append(b, `,"seen":`...)
		b = strconv.AppendInt(b, q.seen, 10)
	}
	b = deltaStr(b, full, "phase", q.phase, p.phase)
	if full || !slices.Equal(q.tags, p.tags) {
		b = append(b, `,"tags":[`...)
		for i, t := range q.tags {
			if i > 0 {
				b = append(b, ',')
			}
			b = flight.AppendQuoted(b, t)
		}
		b = append(b, ']')
	}
	b = deltaStr(b, full, "watch", q.watch, p.watch)
	b = deltaStr(b, full, "squawk", q.squawk, p.squawk)
	b = deltaNum(b, full, "vrate_fpm", q.hasVRate, q.vrate, p.hasVRate, p.vrate)
	if full || q.military != p.military {
		b = append(b, `,"military":`...)
		b = strconv.AppendBool(b, q.military)
	}
	b = deltaStr(b, full, "leg", q.leg, p.leg)
	if full || q.legStart != p.legStart {
		b = append(b, `,"leg_start":`...)
		if q.legStart == 0 {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendInt(b, q.legStart, 10)
		}
	}
	b = deltaStr(b, full, "source", q.source, p.source)
	return append(b, '}')
}

// appendScaled appends v / deltaCoordScale with at most 4 decimals.
func appendScaled(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	b = strconv.AppendInt(b, v/deltaCoordScale, 10)
	frac := v % deltaCoordScale
	if frac == 0 {
		return b
	}
	digits := [4]byte{}
	for i := 3; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	n := 4
	for n > 0 && digits[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, digits[:n]...)
}

func deltaStr(b []byte, full bool, name, v, prev string) []byte {
	if !full && v == prev {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	if v == "" {
		return append(b, "null"...)
	}
	return flight.AppendQuoted(b, v)
}

func deltaNum(b []byte, full bool, name string, has bool, v int64, prevHas bool, prev int64) []byte {
	if !full && has == prevHas && (!has || v == prev) {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	if !has {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, v, 10)
}
