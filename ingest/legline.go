package ingest

import (
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/track"
)

// legLines gathers what one batch adds to its legs' own lines: the kept
// trail points of each flying leg, and per feed the positions it gave.
type legLines struct {
	index map[string]int // leg id -> position in list
	list  []store.LegPoints
}

// add records an accepted observation o with its tracker result r.
func (ll *legLines) add(r *track.Result, o *flight.Observation) {
	if r.Leg == "" {
		return
	}
	if ll.index == nil {
		ll.index = map[string]int{}
	}
	i, ok := ll.index[r.Leg]
	if !ok {
		i = len(ll.list)
		ll.index[r.Leg] = i
		ll.list = append(ll.list, store.LegPoints{Leg: r.Leg})
	}
	lp := &ll.list[i]
	if r.Trail {
		lp.Points = append(lp.Points, r.Aircraft.Point())
	}
	for j := range lp.Seen {
		if s := &lp.Seen[j]; s.Source == o.Source {
			if o.Time.Before(s.First) {
				s.First = o.Time
			}
			if o.Time.After(s.Last) {
				s.Last = o.Time
			}
			s.Positions++
			return
		}
	}
	lp.Seen = append(lp.Seen, store.SourceSeen{Source: o.Source, First: o.Time, Last: o.Time, Positions: 1})
}
