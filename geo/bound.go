package geo

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"
)

// ErrBadBound is wrapped by the errors of ParseBound.
var ErrBadBound = errors.New("geo: bad bbox")

// ParseBound reads a bbox of four numbers [minLon, minLat, maxLon,
// maxLat] in degrees. minLon above maxLon is a box crossing the
// antimeridian; minLat above maxLat is an error.
func ParseBound(v []float64) (orb.Bound, error) {
	if len(v) != 4 {
		return orb.Bound{}, fmt.Errorf("%w: want 4 numbers, got %d", ErrBadBound, len(v))
	}
	for i, f := range v {
		lim := 180.0
		if i%2 == 1 {
			lim = 90
		}
		if f != f || f < -lim || f > lim {
			return orb.Bound{}, fmt.Errorf("%w: %g out of range", ErrBadBound, f)
		}
	}
	if v[1] > v[3] {
		return orb.Bound{}, fmt.Errorf("%w: minLat %g above maxLat %g", ErrBadBound, v[1], v[3])
	}
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}
