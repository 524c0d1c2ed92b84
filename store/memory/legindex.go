package memory

import (
	"math"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/query"
)

// legIndex orders leg keys newest first in a skip list, so that a page of
// legs is read from the front instead of by scanning every leg. The zero
// legIndex is empty and ready for use; it is guarded by Store.legMu.
type legIndex struct {
	head  *skipNode
	level int
	n     int // keys held
	rnd   uint64
}

// skipNode holds a leg's key and the fields a query filters on, so that
// a walk reads the legs map only for the legs it returns.
type skipNode struct {
	key         legKey
	status      flight.LegStatus
	hex         string
	class       flight.Class
	first, last time.Time
	next        []*skipNode
}

// probe is a leg with only the fields a query filters on.
func (n *skipNode) probe() flight.Leg {
	return flight.Leg{ID: n.key.id, Status: n.status, Hex: n.hex, Class: n.class, FirstSeen: n.first, LastSeen: n.last}
}

const maxSkipLevel = 24

func keyOf(l *flight.Leg) legKey { return legKey{micro: l.LastSeen.UnixMicro(), id: l.ID} }

func (x *legIndex) init() {
	if x.head == nil {
		x.head = &skipNode{next: make([]*skipNode, maxSkipLevel)}
		x.level, x.rnd = 1, 0x9E3779B97F4A7C15
	}
}

// randomLevel draws a node height: 1 with probability 3/4, each further
// level a quarter as likely.
func (x *legIndex) randomLevel() int {
	lvl := 1
	for lvl < maxSkipLevel {
		x.rnd ^= x.rnd << 13
		x.rnd ^= x.rnd >> 7
		x.rnd ^= x.rnd << 17
		if x.rnd&3 != 0 {
			break
		}
		lvl++
	}
	return lvl
}

// path fills update with the last node before k on each level.
func (x *legIndex) path(k legKey, update *[maxSkipLevel]*skipNode) *skipNode {
	n := x.head
	for i := x.level - 1; i >= 0; i-- {
		for n.next[i] != nil && n.next[i].key.before(k) {
			n = n.next[i]
		}
		update[i] = n
	}
	return n.next[0]
}

// insert adds the key of l unless it is held.
func (x *legIndex) insert(l *flight.Leg) {
	k := keyOf(l)
	x.init()
	var update [maxSkipLevel]*skipNode
	if at := x.path(k, &update); at != nil && at.key == k {
		return
	}
	lvl := x.randomLevel()
	for i := x.level; i < lvl; i++ {
		update[i] = x.head
	}
	x.level = max(x.level, lvl)
	node := &skipNode{key: k, status: l.Status, hex: l.Hex, class: l.Class, first: l.FirstSeen, last: l.LastSeen,
		next: make([]*skipNode, lvl)}
	for i := range lvl {
		node.next[i] = update[i].next[i]
		update[i].next[i] = node
	}
	x.n++
}

// remove deletes k when it is held.
func (x *legIndex) remove(k legKey) {
	if x.head == nil {
		return
	}
	var update [maxSkipLevel]*skipNode
	at := x.path(k, &update)
	if at == nil || at.key != k {
		return
	}
	for i := range at.next {
		update[i].next[i] = at.next[i]
	}
	x.n--
}

// walk calls f with the ids of the legs q selects, newest first, while it
// returns true, stopping at legs last seen before the query's Since. It reports
// false, without calling f, when the index does not hold exactly the
// stored legs (a leg stored or deleted past PutLeg), so that the caller
// scans instead.
func (s *Store) walk(q store.LegQuery, f func(id string) bool) bool {
	if s.legIdx.n != len(s.legs) {
		return false
	}
	if s.legIdx.head == nil {
		return true
	}
	since := int64(math.MinInt64)
	if !q.Since.IsZero() {
		since = q.Since.UnixMicro()
	}
	for n := s.legIdx.head.next[0]; n != nil; n = n.next[0] {
		if n.key.micro < since {
			break
		}
		if p := n.probe(); !query.LegMatches(q, &p) {
			continue
		}
		if !f(n.key.id) {
			break
		}
	}
	return true
}
