package memory

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/stats"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/legline"
)

var _ store.History = (*Store)(nil)

// history keeps each leg's own line and sources, and the per-day stats
// counters, under its own lock.
type history struct {
	mu      sync.RWMutex
	lines   map[string][]byte // leg id -> legline records
	sources map[string][]store.SourceSeen
	keys    map[string]stats.Key // leg id -> where it is counted
	// counts[by][day][group] is how many legs of group flew on day.
	counts [len(stats.Key{}.Groups)]map[int64]map[string]int
	keyer  *stats.Keyer
}

func newHistory(keyer *stats.Keyer) *history {
	h := &history{lines: map[string][]byte{}, sources: map[string][]store.SourceSeen{},
		keys: map[string]stats.Key{}, keyer: keyer}
	for i := range h.counts {
		h.counts[i] = map[int64]map[string]int{}
	}
	return h
}

// AppendLegLine adds points to legs' lines and folds in their sources.
func (s *Store) AppendLegLine(ctx context.Context, batch []store.LegPoints) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.appendLegLines(batch)
	return nil
}

// appendLegLines is AppendLegLine, for Write too.
func (s *Store) appendLegLines(batch []store.LegPoints) {
	h := s.hist
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := range batch {
		lp := &batch[i]
		if lp.Leg == "" {
			continue
		}
		if len(lp.Points) > 0 {
			line := h.lines[lp.Leg]
			if need := len(lp.Points) * legline.Size; cap(line)-len(line) < need {
				// grow by a quarter, not double: lines are many
				grown := make([]byte, len(line), len(line)+max(need, min(len(line)/4, s.cfg.LegPoints*legline.Size-len(line))))
				copy(grown, line)
				line = grown
			}
			h.lines[lp.Leg] = legline.AppendNewer(line, lp.Points, s.cfg.LegPoints)
		}
		if len(lp.Seen) > 0 {
			h.sources[lp.Leg] = MergeSources(h.sources[lp.Leg], lp.Seen)
		}
	}
}

// MergeSources folds add into list (one entry per source, ordered by
// name): earliest first, latest last, positions summed.
func MergeSources(list, add []store.SourceSeen) []store.SourceSeen {
	for _, a := range add {
		a.First, a.Last = a.First.UTC(), a.Last.UTC()
		i, found := slices.BinarySearchFunc(list, a.Source, func(e store.SourceSeen, src string) int {
			return strings.Compare(e.Source, src)
		})
		if !found {
			list = slices.Insert(list, i, a)
			continue
		}
		e := &list[i]
		if a.First.Before(e.First) {
			e.First = a.First
		}
		if a.Last.After(e.Last) {
			e.Last = a.Last
		}
		e.Positions += a.Positions
	}
	return list
}

// LegLines returns the lines of the legs ids names, in ids order.
func (s *Store) LegLines(ctx context.Context, ids []string) ([][]flight.TrackPoint, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([][]flight.TrackPoint, len(ids))
	h := s.hist
	h.mu.RLock()
	defer h.mu.RUnlock()
	for i, id := range ids {
		b := h.lines[id]
		if len(b) == 0 {
			continue
		}
		pts, err := legline.Decode(b, legHex(id))
		if err != nil {
			return nil, err
		}
		out[i] = pts
	}
	return out, nil
}

// LegSources returns the feeds that saw each leg of ids, in ids order.
func (s *Store) LegSources(ctx context.Context, ids []string) ([][]store.SourceSeen, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([][]store.SourceSeen, len(ids))
	h := s.hist
	h.mu.RLock()
	defer h.mu.RUnlock()
	for i, id := range ids {
		out[i] = slices.Clone(h.sources[id])
	}
	return out, nil
}

// legHex is the aircraft part of a leg id ("hex-unixseconds").
func legHex(id string) string {
	if i := strings.LastIndexByte(id, '-'); i > 0 {
		return id[:i]
	}
	return id
}
