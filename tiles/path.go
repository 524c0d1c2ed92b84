package tiles

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb/maptile"
)

// Errors of ParsePath: ErrBadPath answers 400, ErrOutOfRange 404.
var (
	ErrBadPath    = errors.New("tiles: bad tile path")
	ErrOutOfRange = errors.New("tiles: tile out of range")
)

// ParsePath parses the z, x and "y.mvt" segments of a tile URL. Numbers
// must be plain decimal; z must be at most MaxZoom and x, y below 2^z.
func ParsePath(z, x, yFile string) (maptile.Tile, error) {
	y, ok := strings.CutSuffix(yFile, ".mvt")
	if !ok {
		return maptile.Tile{}, fmt.Errorf("%w: %q does not end in .mvt", ErrBadPath, yFile)
	}
	zn, err := parseNum("z", z)
	if err != nil {
		return maptile.Tile{}, err
	}
	xn, err := parseNum("x", x)
	if err != nil {
		return maptile.Tile{}, err
	}
	yn, err := parseNum("y", y)
	if err != nil {
		return maptile.Tile{}, err
	}
	if zn > MaxZoom {
		return maptile.Tile{}, fmt.Errorf("%w: zoom %d above %d", ErrOutOfRange, zn, MaxZoom)
	}
	if n := uint64(1) << zn; xn >= n || yn >= n {
		return maptile.Tile{}, fmt.Errorf("%w: x %d, y %d not below %d at zoom %d", ErrOutOfRange, xn, yn, n, zn)
	}
	return maptile.New(uint32(xn), uint32(yn), maptile.Zoom(zn)), nil
}

// parseNum parses a decimal number of at most 9 digits (no sign, no
// spaces).
func parseNum(name, s string) (uint64, error) {
	if s == "" || len(s) > 9 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%w: %s %q is not a number", ErrBadPath, name, s)
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q: %w", ErrBadPath, name, s, err)
	}
	return n, nil
}
