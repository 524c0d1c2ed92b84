package geo

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// ErrBadBound is matched (errors.Is) by every error of ParseBound and
// ParseBBox.
var ErrBadBound = errors.New("geo: bad bbox")

// BoundError is a bbox that does not parse or check; its message names
// the bbox and what is wrong, without a package prefix, so HTTP answers can
// show it as it is.
type BoundError struct{ Msg string }

func (e *BoundError) Error() string { return e.Msg }

// Is makes errors.Is(err, ErrBadBound) true.
func (e *BoundError) Is(target error) bool { return target == ErrBadBound }

func badBound(format string, args ...any) error {
	return &BoundError{Msg: fmt.Sprintf(format, args...)}
}

// BBoxSyntax says how ParseBBox reads a bbox. The zero value reads four
// CRS84 numbers.
type BBoxSyntax struct {
	// Allow3D accepts the six-number form minLon,minLat,minH,maxLon,maxLat,maxH
	// whose heights are ignored.
	Allow3D bool
	// To converts a corner from the request's CRS to CRS84 [lon, lat];
	// nil: the numbers are CRS84 already.
	To func(orb.Point) orb.Point
}

// ParseBBox reads the query form "minLon,minLat,maxLon,maxLat" (degrees,
// CRS84 unless syn.To converts). Empty s is orb.Bound{} (everywhere) with
// no error. minLon above maxLon is a box crossing the antimeridian. The
// corners are checked by ParseBound.
func ParseBBox(s string, syn BBoxSyntax) (orb.Bound, error) {
	if s == "" {
		return orb.Bound{}, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 && !(syn.Allow3D && len(parts) == 6) {
		if syn.Allow3D {
			return orb.Bound{}, badBound("bbox %q must have 4 (or 6) numbers", s)
		}
		return orb.Bound{}, badBound("bbox %q: want minLon,minLat,maxLon,maxLat", s)
	}
	n := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return orb.Bound{}, badBound("bbox %q: %q is not a number", s, p)
		}
		n[i] = f
	}
	if len(n) == 6 {
		n = []float64{n[0], n[1], n[3], n[4]}
	}
	if syn.To != nil {
		lo, hi := syn.To(orb.Point{n[0], n[1]}), syn.To(orb.Point{n[2], n[3]})
		n = []float64{lo[0], lo[1], hi[0], hi[1]}
	}
	return checkBound(strconv.Quote(s), n)
}

// ParseBound checks a bbox of four numbers [minLon, minLat, maxLon,
// maxLat] in degrees (the websocket form). minLon above maxLon is a box
// crossing the antimeridian; minLat above maxLat is an error.
func ParseBound(v []float64) (orb.Bound, error) {
	if len(v) != 4 {
		return orb.Bound{}, badBound("bbox: want 4 numbers, got %d", len(v))
	}
	return checkBound(fmt.Sprintf("%g,%g,%g,%g", v[0], v[1], v[2], v[3]), v)
}

// checkBound is the one range check of every bbox; name quotes the bbox
// in messages.
func checkBound(name string, v []float64) (orb.Bound, error) {
	for i, f := range v {
		if math.IsNaN(f) {
			return orb.Bound{}, badBound("bbox %s: %g is not a number", name, f)
		}
		if i%2 == 0 && (f < -180 || f > 180) {
			return orb.Bound{}, badBound("bbox %s: longitudes must lie in -180..180", name)
		}
	}
	if v[1] < -90 || v[3] > 90 || v[1] > v[3] {
		return orb.Bound{}, badBound("bbox %s: latitudes must satisfy -90 <= minLat <= maxLat <= 90", name)
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}
