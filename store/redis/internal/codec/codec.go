package codec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// The binary forms below keep aircraft states and track points small and
// quick to decode: a bbox query decodes thousands of aircraft, which JSON
// would make the slowest part of the query.
//
// Aircraft (version 1):
//
//	byte     version (1)
//	byte     flags: 1 OnGround, 2 Military, 4 Time is zero
//	byte     Has
//	varint   Time, Unix ns (absent when zero)
//	8 bytes  Lat, Lon (float64 bits, big endian)
//	8 bytes  AltFt, GSKt, TrackDeg, VRateFPM, each only when its Has bit is set
//	strings  Hex, Callsign, Reg, Type, Squawk, Source, Phase, Watch, Leg
//	         (uvarint length + bytes)
//	uvarint  number of tags, then each tag as a string
//
// Track point: 8 bytes Unix ns with the sign bit flipped (big endian, so
// that byte order is time order), Lat, Lon, a Has byte, then AltFt when
// Has&HasAlt.

const (
	codecV1 = 1

	flagGround   = 1
	flagMilitary = 2
	flagZeroTime = 4
)

// ErrCorrupt is wrapped by every decoding error.
var ErrCorrupt = errors.New("redis: corrupt record")

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendFloat(b []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(b, math.Float64bits(f))
}

// AppendAircraft appends the binary form of a to b.
func AppendAircraft(b []byte, a *flight.Aircraft) []byte {
	var flags byte
	if a.OnGround {
		flags |= flagGround
	}
	if a.Military {
		flags |= flagMilitary
	}
	if a.Time.IsZero() {
		flags |= flagZeroTime
	}
	b = append(b, codecV1, flags, byte(a.Has))
	if !a.Time.IsZero() {
		b = binary.AppendVarint(b, a.Time.UnixNano())
	}
	b = appendFloat(b, a.Lat)
	b = appendFloat(b, a.Lon)
	if a.Has&flight.HasAlt != 0 {
		b = appendFloat(b, a.AltFt)
	}
	if a.Has&flight.HasGS != 0 {
		b = appendFloat(b, a.GSKt)
	}
	if a.Has&flight.HasTrack != 0 {
		b = appendFloat(b, a.TrackDeg)
	}
	if a.Has&flight.HasVRate != 0 {
		b = appendFloat(b, a.VRateFPM)
	}
	for _, s := range [...]string{a.Hex, a.Callsign, a.Reg, a.Type, a.Squawk, a.Source, string(a.Phase), a.Watch, a.Leg} {
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(a.Tags)))
	for _, t := range a.Tags {
		b = appendString(b, t)
	}
	return b
}

// reader reads the binary forms from a string, remembering the first
// error. Strings it returns share the input's memory.
type reader struct {
	s   string
	err error
}

func (r *reader) fail() {
	if r.err == nil {
		r.err = ErrCorrupt
	}
	r.s = ""
}

func (r *reader) byte() byte {
	if len(r.s) < 1 {
		r.fail()
		return 0
	}
	c := r.s[0]
	r.s = r.s[1:]
	return c
}

func (r *reader) float() float64 {
	if len(r.s) < 8 {
		r.fail()
		return 0
	}
	s := r.s
	u := uint64(s[7]) | uint64(s[6])<<8 | uint64(s[5])<<16 | uint64(s[4])<<24 |
		uint64(s[3])<<32 | uint64(s[2])<<40 | uint64(s[1])<<48 | uint64(s[0])<<56
	r.s = r.s[8:]
	return math.Float64frombits(u)
}

func (r *reader) uvarint() uint64 {
	var x uint64
	var shift uint
	for i := 0; i < len(r.s) && i < binary.MaxVarintLen64; i++ {
		c := r.s[i]
		if c < 0x80 {
			if i == binary.MaxVarintLen64-1 && c > 1 {
				break
			}
			r.s = r.s[i+1:]
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
		shift += 7
	}
	r.fail()
	return 0
}

func (r *reader) varint() int64 {
	ux := r.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

func (r *reader) string() string {
	n := r.uvarint()
	if n > uint64(len(r.s)) {
		r.fail()
		return ""
	}
	s := r.s[:n]
	r.s = r.s[n:]
	return s
}

// DecodeAircraft reads AppendAircraft's form into a.
func DecodeAircraft(b []byte, a *flight.Aircraft) error {
	return DecodeAircraftString(string(b), a)
}

// DecodeAircraftString reads AppendAircraft's form into a; a's strings
// share s's memory.
func DecodeAircraftString(s string, a *flight.Aircraft) error {
	r := reader{s: s}
	if v := r.byte(); v != codecV1 {
		return fmt.Errorf("decode aircraft: %w: version %d", ErrCorrupt, v)
	}
	flags := r.byte()
	*a = flight.Aircraft{}
	a.Has = flight.Field(r.byte())
	a.OnGround = flags&flagGround != 0
	a.Military = flags&flagMilitary != 0
	if flags&flagZeroTime == 0 {
		a.Time = time.Unix(0, r.varint()).UTC()
	}
	a.Lat, a.Lon = r.float(), r.float()
	if a.Has&flight.HasAlt != 0 {
		a.AltFt = r.float()
	}
	if a.Has&flight.HasGS != 0 {
		a.GSKt = r.float()
	}
	if a.Has&flight.HasTrack != 0 {
		a.TrackDeg = r.float()
	}
	if a.Has&flight.HasVRate != 0 {
		a.VRateFPM = r.float()
	}
	a.Hex, a.Callsign, a.Reg, a.Type = r.string(), r.string(), r.string(), r.string()
	a.Squawk, a.Source, a.Phase = r.string(), r.string(), flight.Phase(r.string())
	a.Watch, a.Leg = r.string(), r.string()
	if n := r.uvarint(); n > 0 {
		if n > uint64(len(r.s)) {
			r.fail()
		} else {
			a.Tags = make([]string, n)
			for i := range a.Tags {
				a.Tags[i] = r.string()
			}
		}
	}
	if r.err == nil && len(r.s) != 0 {
		r.fail()
	}
	if r.err != nil {
		return fmt.Errorf("decode aircraft: %w", r.err)
	}
	return nil
}

// AppendPoint appends the binary form of a track point (without its hex).
func AppendPoint(b []byte, p *flight.TrackPoint) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(p.Time.UnixNano())^(1<<63))
	b = appendFloat(b, p.Lat)
	b = appendFloat(b, p.Lon)
	has := p.Has & flight.HasAlt
	b = append(b, byte(has))
	if has != 0 {
		b = appendFloat(b, p.AltFt)
	}
	return b
}

// DecodePoint reads AppendPoint's form into p, setting its Hex to hex.
func DecodePoint(b []byte, hex string, p *flight.TrackPoint) error {
	if len(b) < 8 {
		return fmt.Errorf("decode track point: %w: %d bytes", ErrCorrupt, len(b))
	}
	r := reader{s: string(b[8:])}
	*p = flight.TrackPoint{Hex: hex, Time: time.Unix(0, int64(binary.BigEndian.Uint64(b)^(1<<63))).UTC()}
	p.Lat, p.Lon = r.float(), r.float()
	p.Has = flight.Field(r.byte())
	if p.Has != 0 {
		if p.Has != flight.HasAlt {
			r.fail()
		}
		p.AltFt = r.float()
	}
	if r.err == nil && len(r.s) != 0 {
		r.fail()
	}
	if r.err != nil {
		return fmt.Errorf("decode track point: %w", r.err)
	}
	return nil
}

// Position reads only the latitude and longitude (degrees) of
// AppendAircraft's form, so that a bbox query decodes just the aircraft
// inside it; ok is false when s is too short or of another version (the
// full decode then tells why).
func Position(s string) (lat, lon float64, ok bool) {
	r := reader{s: s}
	if r.byte() != codecV1 {
		return 0, 0, false
	}
	flags := r.byte()
	_ = r.byte()
	if flags&flagZeroTime == 0 {
		_ = r.varint()
	}
	lat, lon = r.float(), r.float()
	return lat, lon, r.err == nil
}
