package memory

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// ring holds one aircraft's newest track points ordered by time. It grows
// by append up to max points, then overwrites the oldest.
type ring struct {
	pts  []flight.TrackPoint
	head int // index of the oldest point once full
	max  int
}

func (r *ring) len() int { return len(r.pts) }

func (r *ring) at(i int) *flight.TrackPoint { return &r.pts[(r.head+i)%len(r.pts)] }

func (r *ring) add(p flight.TrackPoint) {
	n := len(r.pts)
	if n > 0 {
		last := r.at(n - 1)
		if p.Time.Before(last.Time) {
			r.insert(p)
			return
		}
		if p.Time.Equal(last.Time) {
			*last = p
			return
		}
	}
	if n < r.max {
		r.pts = append(r.pts, p)
		return
	}
	r.pts[r.head] = p
	r.head = (r.head + 1) % n
}

// insert places a point that arrived late at its place in time order.
func (r *ring) insert(p flight.TrackPoint) {
	lin := make([]flight.TrackPoint, 0, len(r.pts)+1)
	lin = append(lin, r.pts[r.head:]...)
	lin = append(lin, r.pts[:r.head]...)
	i := sort.Search(len(lin), func(i int) bool { return lin[i].Time.After(p.Time) })
	if i > 0 && lin[i-1].Time.Equal(p.Time) {
		*r.at(i - 1) = p
		return
	}
	lin = slices.Insert(lin, i, p)
	if len(lin) > r.max {
		lin = lin[len(lin)-r.max:]
	}
	r.pts, r.head = lin, 0
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
	for _, p := range points {
		p.Time = p.Time.UTC()
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
		lo = sort.Search(n, func(i int) bool { return !r.at(i).Time.Before(since) })
	}
	hi := n
	if !until.IsZero() {
		hi = sort.Search(n, func(i int) bool { return r.at(i).Time.After(until) })
	}
	out := make([]flight.TrackPoint, 0, max(hi-lo, 0))
	for i := lo; i < hi; i++ {
		out = append(out, *r.at(i))
	}
	return out, nil
}
