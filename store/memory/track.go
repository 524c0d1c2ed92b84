package memory

import (
	"context"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// A track point is kept in 16 bytes: its time in microseconds after its
// ring's base and its altitude share one word, its latitude and longitude
// are fixed-point 1e-7 degrees (about 1 cm). A point reads back with its
// time truncated to the microsecond, its coordinates rounded to 1e-7° and
// its altitude rounded to the foot and held to [minAltFt, maxAltFt]; only
// the HasAlt bit of Has is kept (as on Redis). The hex is the ring's.
type point struct {
	tq       uint64 // µs after the ring's base << altBits | altitude code
	lat, lon int32  // 1e-7 degrees
}

const (
	altBits = 17
	// altitude code 0 means unknown; code c is c-1+minAltFt feet.
	minAltFt = -16384
	maxAltFt = minAltFt + 1<<altBits - 2
	// maxSpan is the greatest time between a ring's oldest and newest
	// points (2^47 µs, about 4.4 years); older points are dropped.
	maxSpan = int64(1) << (64 - altBits)
)

// fixed converts degrees to 1e-7 degrees, clamped to int32 (NaN is 0).
func fixed(deg float64) int32 {
	v := math.Round(deg * 1e7)
	switch {
	case v >= math.MaxInt32:
		return math.MaxInt32
	case v <= math.MinInt32:
		return math.MinInt32
	case v == v:
		return int32(v)
	}
	return 0
}

func altCode(p *flight.TrackPoint) uint64 {
	if p.Has&flight.HasAlt == 0 {
		return 0
	}
	a := math.Round(p.AltFt)
	switch {
	case a >= maxAltFt:
		a = maxAltFt
	case a <= minAltFt:
		a = minAltFt
	case a != a:
		return 0
	}
	return uint64(int64(a) - minAltFt + 1)
}

// ring holds one aircraft's newest track points ordered by time. It grows
// by append up to max points, then overwrites the oldest.
type ring struct {
	pts  []point
	base int64 // Unix µs the points' times count from
	head int   // index of the oldest point once full
	max  int
}

func (r *ring) len() int { return len(r.pts) }

func (r *ring) at(i int) *point { return &r.pts[(r.head+i)%len(r.pts)] }

// micro returns the time (Unix µs) of point i, oldest first.
func (r *ring) micro(i int) int64 { return r.base + int64(r.at(i).tq>>altBits) }

// time returns the time of point i, oldest first.
func (r *ring) time(i int) time.Time { return time.UnixMicro(r.micro(i)) }

// point returns point i, oldest first, as a track point of hex.
func (r *ring) point(i int, hex string) flight.TrackPoint {
	q := r.at(i)
	p := flight.TrackPoint{Hex: hex, Time: time.UnixMicro(r.base + int64(q.tq>>altBits)).UTC(),
		Lat: float64(q.lat) / 1e7, Lon: float64(q.lon) / 1e7}
	if c := q.tq & (1<<altBits - 1); c != 0 {
		p.AltFt, p.Has = float64(int64(c)-1+minAltFt), flight.HasAlt
	}
	return p
}

func (r *ring) add(p *flight.TrackPoint) {
	m := p.Time.UnixMicro()
	if len(r.pts) == 0 {
		r.base = m
	} else if (m < r.base || m-r.base >= maxSpan) && !r.rebase(m) {
		return
	}
	q := point{tq: uint64(m-r.base)<<altBits | altCode(p), lat: fixed(p.Lat), lon: fixed(p.Lon)}
	n := len(r.pts)
	if n > 0 {
		last := r.micro(n - 1)
		if m < last {
			r.insert(q, m)
			return
		}
		if m == last {
			*r.at(n - 1) = q
			return
		}
	}
	if n < r.max {
		if n == cap(r.pts) { // grow by a quarter, not double: rings are many
			grown := make([]point, n, min(r.max, n+n/4+8))
			copy(grown, r.pts)
			r.pts = grown
		}
		r.pts = append(r.pts, q)
		return
	}
	r.pts[r.head] = q
	r.head = (r.head + 1) % n
}

// linear returns the points oldest first, in a new slice, and their times.
func (r *ring) linear(extra int) ([]point, []int64) {
	pts := make([]point, 0, len(r.pts)+extra)
	pts = append(pts, r.pts[r.head:]...)
	pts = append(pts, r.pts[:r.head]...)
	times := make([]int64, len(pts), len(pts)+extra)
	for i := range pts {
		times[i] = r.base + int64(pts[i].tq>>altBits)
	}
	return pts, times
}

// setLinear stores pts (oldest first, at the given times) counted from
// base.
func (r *ring) setLinear(pts []point, times []int64, base int64) {
	for i := range pts {
		pts[i].tq = uint64(times[i]-base)<<altBits | pts[i].tq&(1<<altBits-1)
	}
	r.pts, r.head, r.base = pts, 0, base
}

// rebase makes the ring count from a base a point at m can be kept from,
// dropping points more than maxSpan older than the newest; false when
// the point at m is itself that old.
func (r *ring) rebase(m int64) bool {
	pts, times := r.linear(0)
	newest := max(m, times[len(times)-1])
	if newest-m >= maxSpan {
		return false
	}
	i := sort.Search(len(times), func(i int) bool { return newest-times[i] < maxSpan })
	pts, times = pts[i:], times[i:]
	base := m
	if len(times) > 0 {
		base = min(base, times[0])
	}
	r.setLinear(pts, times, base)
	return true
}

// insert places a point that arrived late (at m, no older than the base)
// at its place in time order.
func (r *ring) insert(q point, m int64) {
	pts, times := r.linear(1)
	i := sort.Search(len(times), func(i int) bool { return times[i] > m })
	if i > 0 && times[i-1] == m {
		*r.at(i - 1) = q
		return
	}
	pts, times = slices.Insert(pts, i, q), slices.Insert(times, i, m)
	if len(pts) > r.max {
		pts, times = pts[len(pts)-r.max:], times[len(times)-r.max:]
	}
	r.setLinear(pts, times, r.base)
}

// dropBefore removes the points older than cut and returns how many it
// removed.
func (r *ring) dropBefore(cut time.Time) int {
	n := r.len()
	i := sort.Search(n, func(i int) bool { return !r.time(i).Before(cut) })
	if i == 0 {
		return 0
	}
	pts, times := r.linear(0)
	pts = slices.Clip(pts[i:])
	r.setLinear(pts, times[i:], r.base)
	return i
}

// AppendTrack adds points to each aircraft's history, keeping the newest
// Config.TrackLen points by time.
func (s *Store) AppendTrack(ctx context.Context, points []flight.TrackPoint) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.trkMu.Lock()
	defer s.trkMu.Unlock()
	s.appendLocked(points)
	return nil
}

// appendLocked is AppendTrack with trkMu held.
func (s *Store) appendLocked(points []flight.TrackPoint) {
	for i := range points {
		p := &points[i]
		r := s.tracks[p.Hex]
		if r == nil {
			r = &ring{max: s.cfg.TrackLen}
			s.tracks[p.Hex] = r
		}
		r.add(p)
	}
}

// Track returns hex's points with since <= time <= until, oldest first.
func (s *Store) Track(ctx context.Context, hex string, since, until time.Time) ([]flight.TrackPoint, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.trkMu.RLock()
	defer s.trkMu.RUnlock()
	r := s.tracks[hex]
	if r == nil {
		return []flight.TrackPoint{}, nil
	}
	n := r.len()
	lo := 0
	if !since.IsZero() {
		lo = sort.Search(n, func(i int) bool { return !r.time(i).Before(since) })
	}
	hi := n
	if !until.IsZero() {
		hi = sort.Search(n, func(i int) bool { return r.time(i).After(until) })
	}
	out := make([]flight.TrackPoint, 0, max(hi-lo, 0))
	for i := lo; i < hi; i++ {
		out = append(out, r.point(i, hex))
	}
	return out, nil
}
