// Package detect holds the tracker's alert detectors: pure functions over a
// leg's detector state (Hold, Back) and its new position. The tracker
// keeps one state per leg and turns the verdicts into alerts. Nothing here
// is safe for concurrent use; distances are km, angles degrees.
package detect

import (
	"math"
	"slices"
	"time"

	"github.com/flightwatch/flightwatch/geo"
	"github.com/paulmach/orb"
)

// HoldSampleEvery spaces the samples kept for the holding window (in real
// time; Config.TimeScale divides it).
const HoldSampleEvery = 15 * time.Second

type holdSample struct {
	t    time.Time
	p    orb.Point
	turn float64 // cumulative signed turn, degrees
	path float64 // cumulative path, km
}

// Hold accumulates turns and path for the holding detector.
type Hold struct {
	samples   []holdSample
	turn      float64
	path      float64
	lastTrack float64
	hasTrack  bool
	lastPt    orb.Point
	hasPt     bool

	fieldAt  orb.Point // where field was looked up
	fieldSet bool
	field    geo.Airport // nearest airport to fieldAt, when hasField
	hasField bool
}

// Add records a position (and a new track when newTrack) at t, keeping
// samples every sampleEvery that span window. A position flown low near an
// airport (low) restarts the window: turns flown there never count toward
// a hold.
func (h *Hold) Add(t time.Time, p orb.Point, track float64, newTrack, low bool, sampleEvery, window time.Duration) {
	if h.hasPt {
		h.path += geo.DistanceKm(h.lastPt, p)
	}
	h.lastPt, h.hasPt = p, true
	if newTrack {
		if h.hasTrack {
			h.turn += geo.TurnDeg(h.lastTrack, track)
		}
		h.lastTrack, h.hasTrack = track, true
	}
	if low {
		h.samples = append(h.samples[:0], holdSample{t, p, h.turn, h.path})
		return
	}
	if n := len(h.samples); n == 0 || t.Sub(h.samples[n-1].t) >= sampleEvery {
		h.samples = append(h.samples, holdSample{t, p, h.turn, h.path})
	}
	// Keep one sample at or before the window's start as the baseline.
	cut := 0
	for cut+1 < len(h.samples) && t.Sub(h.samples[cut+1].t) >= window {
		cut++
	}
	if cut > 0 {
		h.samples = append(h.samples[:0], h.samples[cut:]...)
	}
}

// Holding reports whether, over the window ending at p, the aircraft turned
// at least turnDeg in one direction while its straight-line progress was
// at most maxProgress of the path it flew.
func Holding(h *Hold, p orb.Point, turnDeg, maxProgress float64) bool {
	if len(h.samples) == 0 {
		return false
	}
	b := h.samples[0]
	if math.Abs(h.turn-b.turn) < turnDeg {
		return false
	}
	path := h.path - b.path
	return path > 0 && geo.DistanceKm(b.p, p) <= maxProgress*path
}

// NearField returns the nearest airport (small or larger) within nearKm+2
// of the last look-up point, looked up again once the aircraft has moved
// 2 km from it; callers check the distance from p themselves.
func (h *Hold) NearField(airports *geo.AirportIndex, p orb.Point, nearKm float64) (geo.Airport, bool) {
	if !h.fieldSet || geo.DistanceKm(h.fieldAt, p) >= 2 {
		h.fieldAt, h.fieldSet = p, true
		h.field, _, h.hasField = airports.Nearest(p, nearKm+2, geo.SmallAirport)
	}
	return h.field, h.hasField
}

// Back follows distances to the origin and destination for the
// turn-back detector.
type Back struct {
	MaxFromOrigin float64
	minToDest     float64
	since         time.Time // heading back since, zero when not
	sinceDist     float64   // distance to origin at since
	init          bool
}

// TurnBackParams are the turn-back thresholds from Config.
type TurnBackParams struct {
	MinKm     float64
	MinFrac   float64
	Duration  time.Duration
	MaxOffDeg float64
}

// TurnBack updates b with a position, track and time and reports a
// sustained reversal: having flown at least minKm from origin, the aircraft
// has headed toward it (track within maxOffDeg of the bearing to it) for
// duration, has won back max(minKm, minFrac × its greatest distance) and half
// of minKm since it turned, and (with a destination) has moved at least
// half of minKm away from its closest approach to the destination. A
// go-around or circuit near the destination fails the distance tests.
func TurnBack(b *Back, t time.Time, p orb.Point, track float64, origin, dest orb.Point, hasDest bool, c TurnBackParams) bool {
	dO := geo.DistanceKm(p, origin)
	if !b.init {
		b.minToDest = math.Inf(1)
		b.init = true
	}
	if dO > b.MaxFromOrigin {
		b.MaxFromOrigin = dO
	}
	awayFromDest := true
	if hasDest {
		dD := geo.DistanceKm(p, dest)
		if dD < b.minToDest {
			b.minToDest = dD
		}
		awayFromDest = dD-b.minToDest >= c.MinKm/2
	}
	off := math.Abs(geo.TurnDeg(track, geo.BearingDeg(p, origin)))
	if b.MaxFromOrigin < c.MinKm || off > c.MaxOffDeg {
		b.since = time.Time{}
		return false
	}
	if b.since.IsZero() {
		b.since, b.sinceDist = t, dO
	}
	return t.Sub(b.since) >= c.Duration && b.MaxFromOrigin-dO >= math.Max(c.MinKm, c.MinFrac*b.MaxFromOrigin) &&
		b.sinceDist-dO >= c.MinKm/2 && awayFromDest
}

// OffRoute reports whether p lies outside the corridor around the great
// circle origin→dest: farther than max(minNM, fraction × its length).
func OffRoute(p, origin, dest orb.Point, minNM, fraction float64) bool {
	width := math.Max(minNM*geo.KmPerNM, fraction*geo.DistanceKm(origin, dest))
	return geo.RouteDistanceKm(p, origin, dest) > width
}

// Diverted reports whether a landing at landed (airport ident actual, ""
// when unknown) is away from the planned destination: a different airport
// farther than nearKm from it.
func Diverted(actual string, landed orb.Point, planned string, plannedPt orb.Point, nearKm float64) bool {
	if planned == "" || actual == planned {
		return false
	}
	return geo.DistanceKm(landed, plannedPt) > nearKm
}

// LandedBack reports whether a landing at landed is back at the origin
// after having flown at least minKm from it.
func LandedBack(landed, origin orb.Point, maxFromOrigin, nearKm, minKm float64) bool {
	return maxFromOrigin >= minKm && geo.DistanceKm(landed, origin) <= nearKm
}

// LowNearAirport reports whether a fix at altFt (known when hasAlt) lies
// within nearKm of the airport and below belowFt above its elevation.
func LowNearAirport(p orb.Point, altFt float64, hasAlt bool, ap geo.Airport, nearKm, belowFt float64) bool {
	if geo.DistanceKm(p, ap.Point()) > nearKm {
		return false
	}
	return hasAlt && altFt-ap.ElevFt < belowFt
}

// Clone returns a copy of h that shares nothing mutable with it.
func (h *Hold) Clone() Hold {
	c := *h
	c.samples = slices.Clone(h.samples)
	return c
}
