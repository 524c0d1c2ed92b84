package ingest

import (
	"sync"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/track"
)

// legLines gathers what one batch adds to its legs' own lines: the kept
// trail points of each flying leg, and per feed the positions it gave.
// It records flat lists while the batch is tracked and cuts them per leg
// once, so that a batch costs a few allocations rather than a few per leg.
type legLines struct {
	index  map[string]int32 // leg id -> position in legs
	legs   []string
	points []legPoint
	srcAt  map[legSource]int32 // (leg, source) -> position in seen
	seen   []legSeen
}

type legPoint struct {
	leg int32
	p   flight.TrackPoint
}

type legSource struct {
	leg    int32
	source string
}

type legSeen struct {
	leg int32
	s   store.SourceSeen
}

var legLinesPool = sync.Pool{New: func() any {
	return &legLines{index: make(map[string]int32, 1024), srcAt: make(map[legSource]int32, 1024)}
}}

// newLegLines returns an empty legLines; release hands it back.
func newLegLines() *legLines { return legLinesPool.Get().(*legLines) }

// release empties ll for the next batch.
func (ll *legLines) release() {
	if len(ll.legs) > 1<<16 {
		return // an outsized batch: let it go
	}
	clear(ll.index)
	clear(ll.srcAt)
	ll.legs, ll.points, ll.seen = ll.legs[:0], ll.points[:0], ll.seen[:0]
	legLinesPool.Put(ll)
}

// add records an accepted observation o with its tracker result r.
func (ll *legLines) add(r *track.Result, o *flight.Observation) {
	if r.Leg == "" {
		return
	}
	i, ok := ll.index[r.Leg]
	if !ok {
		i = int32(len(ll.legs))
		ll.index[r.Leg] = i
		ll.legs = append(ll.legs, r.Leg)
	}
	if r.Trail {
		ll.points = append(ll.points, legPoint{i, r.Aircraft.Point()})
	}
	k := legSource{i, o.Source}
	j, ok := ll.srcAt[k]
	if !ok {
		ll.srcAt[k] = int32(len(ll.seen))
		ll.seen = append(ll.seen, legSeen{i, store.SourceSeen{Source: o.Source, First: o.Time, Last: o.Time, Positions: 1}})
		return
	}
	s := &ll.seen[j].s
	if o.Time.Before(s.First) {
		s.First = o.Time
	}
	if o.Time.After(s.Last) {
		s.Last = o.Time
	}
	s.Positions++
}

// batch returns the records per leg, legs in the order first seen.
func (ll *legLines) batch() []store.LegPoints {
	if len(ll.legs) == 0 {
		return nil
	}
	out := make([]store.LegPoints, len(ll.legs))
	for i, id := range ll.legs {
		out[i].Leg = id
	}
	pts := make([]flight.TrackPoint, len(ll.points))
	ps := cut(len(ll.legs), len(ll.points), func(k int) int32 { return ll.points[k].leg }, func(k, at int) { pts[at] = ll.points[k].p })
	srcs := make([]store.SourceSeen, len(ll.seen))
	ss := cut(len(ll.legs), len(ll.seen), func(k int) int32 { return ll.seen[k].leg }, func(k, at int) { srcs[at] = ll.seen[k].s })
	for i := range out {
		if ps[i+1] > ps[i] {
			out[i].Points = pts[ps[i]:ps[i+1]:ps[i+1]]
		}
		if ss[i+1] > ss[i] {
			out[i].Seen = srcs[ss[i]:ss[i+1]:ss[i+1]]
		}
	}
	return out
}

// cut is a counting sort of n records into groups legs: it calls put(k,
// at) with each record's place (records keep their order within a group)
// and returns where each group starts (and, last, the end).
func cut(groups, n int, group func(k int) int32, put func(k, at int)) []int {
	starts := make([]int, groups+1)
	for k := range n {
		starts[group(k)+1]++
	}
	for i := 1; i <= groups; i++ {
		starts[i] += starts[i-1]
	}
	next := make([]int, groups)
	copy(next, starts[:groups])
	for k := range n {
		g := group(k)
		put(k, next[g])
		next[g]++
	}
	return starts
}
