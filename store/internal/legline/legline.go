package legline

import (
	"encoding/binary"
	"errors"
	"math"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// Size is the length of one record in bytes.
const Size = 20

// noAlt marks a point whose altitude is not known.
const noAlt = math.MinInt32

// ErrCorrupt means a line's length is not a whole number of records.
var ErrCorrupt = errors.New("legline: corrupt line")

// Append appends p's record to b.
func Append(b []byte, p *flight.TrackPoint) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(p.Time.UnixMicro()))
	b = binary.LittleEndian.AppendUint32(b, uint32(int32(math.Round(p.Lat*1e7))))
	b = binary.LittleEndian.AppendUint32(b, uint32(int32(math.Round(p.Lon*1e7))))
	alt := int32(noAlt)
	if p.Has&flight.HasAlt != 0 && p.AltFt > -100000 && p.AltFt < 1e6 {
		alt = int32(math.Round(p.AltFt))
	}
	return binary.LittleEndian.AppendUint32(b, uint32(alt))
}

// TimeAt returns the time (Unix µs) of record i of line b.
func TimeAt(b []byte, i int) int64 {
	return int64(binary.BigEndian.Uint64(b[i*Size:]))
}

// Last returns the time (Unix µs) of the line's last record; false when
// it has none.
func Last(b []byte) (int64, bool) {
	n := len(b) / Size
	if n == 0 {
		return 0, false
	}
	return TimeAt(b, n-1), true
}

// Decode returns the points of line b, oldest first, with hex set.
func Decode(b []byte, hex string) ([]flight.TrackPoint, error) {
	if len(b)%Size != 0 {
		return nil, ErrCorrupt
	}
	out := make([]flight.TrackPoint, len(b)/Size)
	for i := range out {
		r := b[i*Size:]
		p := &out[i]
		p.Hex = hex
		p.Time = time.UnixMicro(int64(binary.BigEndian.Uint64(r))).UTC()
		p.Lat = float64(int32(binary.LittleEndian.Uint32(r[8:]))) / 1e7
		p.Lon = float64(int32(binary.LittleEndian.Uint32(r[12:]))) / 1e7
		if alt := int32(binary.LittleEndian.Uint32(r[16:])); alt != noAlt {
			p.AltFt, p.Has = float64(alt), flight.HasAlt
		}
	}
	return out, nil
}

// AppendNewer appends the points of pts newer than line's last record
// (and than each other, in order) and returns the line, thinned by Thin
// while it holds more than max records.
func AppendNewer(line []byte, pts []flight.TrackPoint, max int) []byte {
	last, ok := Last(line)
	for i := range pts {
		t := pts[i].Time.UnixMicro()
		if ok && t <= last {
			continue
		}
		line = Append(line, &pts[i])
		last, ok = t, true
	}
	for max > 1 && len(line)/Size > max {
		line = Thin(line)
	}
	return line
}

// Thin keeps every other record of line (the first, third, ... and
// always the last), in place, and returns it.
func Thin(line []byte) []byte {
	n := len(line) / Size
	if n <= 2 {
		return line
	}
	w := 0
	for i := 0; i < n; i += 2 {
		copy(line[w*Size:(w+1)*Size], line[i*Size:(i+1)*Size])
		w++
	}
	if (n-1)%2 != 0 { // the last record was skipped: keep it
		copy(line[w*Size:(w+1)*Size], line[(n-1)*Size:n*Size])
		w++
	}
	return line[:w*Size]
}
