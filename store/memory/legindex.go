package memory

import (
	"container/heap"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// legEntry is a stored leg and its place in the leg index. The fields a
// query filters on are copied next to the links, so that a walk reads
// one or two cache lines per leg it passes over.
type legEntry struct {
	micro  int64       // leg.LastSeen in Unix µs: with leg.ID, the sort key
	next   []*legEntry // skip-list forward pointers; its length is kept while hot
	status flight.LegStatus
	class  flight.Class
	hex    string
	hot    int // 1 + position in legIndex.hot; 0 when settled
	leg    flight.Leg
}

// matches is query.LegMatches(q, &e.leg), from the copied fields.
func (e *legEntry) matches(q *store.LegQuery) bool {
	return (q.Status == "" || e.status == q.Status) &&
		(q.Hex == "" || e.hex == q.Hex) &&
		(q.Class == "" || e.class == q.Class) &&
		(q.Since.IsZero() || !e.leg.LastSeen.Before(q.Since)) &&
		(q.Until.IsZero() || e.leg.FirstSeen.Before(q.Until))
}

// before reports whether e sorts before o: newest LastSeen (to the
// microsecond) first, then ID descending, as query.SortLegs orders.
func (e *legEntry) before(o *legEntry) bool {
	if e.micro != o.micro {
		return e.micro > o.micro
	}
	return e.leg.ID > o.leg.ID
}

func compareEntries(a, b *legEntry) int {
	switch {
	case a.micro > b.micro:
		return -1
	case a.micro < b.micro:
		return 1
	}
	return strings.Compare(b.leg.ID, a.leg.ID)
}

// hotSpan is how far (in LastSeen) behind the newest stored leg a leg
// stays hot.
const hotSpan = 5 * time.Minute

// sweepPerPut is how many hot legs each stored leg's write looks at for
// settling.
const sweepPerPut = 2

// legIndex orders legs newest first in two tiers, so that storing a
// flying leg again costs O(1) and a page of legs is read from the front
// instead of by sorting every leg:
//
//   - hot: the legs stored within hotSpan of the newest LastSeen, in no
//     order, updated in place; sorted when a read needs them (the order is
//     kept until the next write).
//   - settled: the other legs, in a skip list newest first.
//
// Each write looks at sweepPerPut hot legs in turn and settles those that
// fell behind, so a leg enters the skip list about once, when its
// aircraft stops sending. A walk merges the two tiers.
//
// The zero legIndex is empty and ready for use; it is guarded by
// Store.legMu, and its sorted order also by mu (readers share legMu).
type legIndex struct {
	head  *legEntry // skip-list head: only next is used
	level int
	rnd   uint64

	hot    []*legEntry
	hotMic []int64 // hot[i].micro, side by side for hotTop's scan
	sweep  int     // the next position in hot a write looks at
	newest int64   // greatest LastSeen stored, Unix µs
	span   int64   // hotSpan in µs, or another span (tests); 0 = hotSpan
	ver    uint64

	mu        sync.Mutex
	sorted    []*legEntry // hot in order, as of sortedVer
	sortedVer uint64
	sortedOK  bool
	readVer   uint64 // the version the last read of a stale order saw
}

const maxSkipLevel = 24

func (x *legIndex) init() {
	if x.head == nil {
		x.head = &legEntry{next: make([]*legEntry, maxSkipLevel)}
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

// put stores leg in e (new: not yet in the index) and makes it hot, then
// settles what the sweep finds behind.
func (x *legIndex) put(e *legEntry, isNew bool, leg *flight.Leg) {
	if !isNew && e.hot == 0 {
		x.unlink(e) // while e still holds the key the skip list has it under
	}
	e.leg, e.micro = *leg, leg.LastSeen.UnixMicro()
	e.status, e.class, e.hex = leg.Status, leg.Class, leg.Hex
	if e.hot == 0 {
		x.hot, x.hotMic = append(x.hot, e), append(x.hotMic, 0)
		e.hot = len(x.hot)
	}
	x.hotMic[e.hot-1] = e.micro
	x.newest = max(x.newest, e.micro)
	x.ver++
	x.settle(sweepPerPut)
}

// remove takes e out of the index.
func (x *legIndex) remove(e *legEntry) {
	if e.hot > 0 {
		x.dropHot(e)
	} else {
		x.unlink(e)
	}
	x.ver++
}

// settle looks at up to n hot legs and moves into the skip list those
// more than the span behind the newest.
func (x *legIndex) settle(n int) {
	span := x.span
	if span == 0 {
		span = hotSpan.Microseconds()
	}
	for ; n > 0 && len(x.hot) > 0; n-- {
		if x.sweep >= len(x.hot) {
			x.sweep = 0
		}
		e := x.hot[x.sweep]
		if e.micro >= x.newest-span {
			x.sweep++
			continue
		}
		x.dropHot(e) // the last hot leg takes its place and is looked at next
		x.link(e)
	}
}

func (x *legIndex) dropHot(e *legEntry) {
	i, last := e.hot-1, len(x.hot)-1
	x.hot[i], x.hotMic[i] = x.hot[last], x.hotMic[last]
	x.hot[i].hot = i + 1
	x.hot[last] = nil
	x.hot, x.hotMic = x.hot[:last], x.hotMic[:last]
	e.hot = 0
}

// path fills update with the last entry before e on each level.
func (x *legIndex) path(e *legEntry, update *[maxSkipLevel]*legEntry) {
	n := x.head
	for i := x.level - 1; i >= 0; i-- {
		for n.next[i] != nil && n.next[i].before(e) {
			n = n.next[i]
		}
		update[i] = n
	}
}

// link adds e, which is in neither tier, to the skip list, keeping its
// height from an earlier stay there.
func (x *legIndex) link(e *legEntry) {
	x.init()
	if e.next == nil {
		e.next = make([]*legEntry, x.randomLevel())
	}
	lvl := len(e.next)
	var update [maxSkipLevel]*legEntry
	for i := x.level; i < lvl; i++ {
		update[i] = x.head
	}
	x.path(e, &update)
	x.level = max(x.level, lvl)
	for i := range lvl {
		e.next[i] = update[i].next[i]
		update[i].next[i] = e
	}
}

// unlink takes e, which is in the skip list, out of it.
func (x *legIndex) unlink(e *legEntry) {
	var update [maxSkipLevel]*legEntry
	x.path(e, &update)
	for i := range e.next {
		if update[i].next[i] == e {
			update[i].next[i] = e.next[i]
		}
		e.next[i] = nil
	}
}

// hotSorted returns the hot legs in order; the caller holds legMu for
// reading, so the slice stays valid until it lets go.
func (x *legIndex) hotSorted() []*legEntry {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.sortedOK || x.sortedVer != x.ver {
		x.sorted = append(x.sorted[:0], x.hot...)
		slices.SortFunc(x.sorted, compareEntries)
		x.sortedVer, x.sortedOK = x.ver, true
	}
	return x.sorted
}

// sortQuiet reports whether hotSorted is worth calling for a read of a
// few legs: it would not sort, or no write came since the previous such
// read (the store is quiet, so the order will serve further reads).
func (x *legIndex) sortQuiet() bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.sortedOK && x.sortedVer == x.ver {
		return true
	}
	quiet := x.readVer == x.ver
	x.readVer = x.ver
	return quiet
}

// worstFirst is a heap of the best legs seen so far whose root is the
// one that sorts last, so that a better leg replaces it.
type worstFirst []*legEntry

func (h worstFirst) Len() int           { return len(h) }
func (h worstFirst) Less(i, j int) bool { return h[j].before(h[i]) }
func (h worstFirst) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *worstFirst) Push(x any)        { *h = append(*h, x.(*legEntry)) }
func (h *worstFirst) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// hotTop returns, in order, the first k hot legs q selects. It reads a
// leg only when its time could place it among them.
func (x *legIndex) hotTop(q store.LegQuery, k int) []*legEntry {
	h := make(worstFirst, 0, k)
	for i, m := range x.hotMic {
		if len(h) == k && m < h[0].micro {
			continue
		}
		e := x.hot[i]
		if !e.matches(&q) {
			continue
		}
		if len(h) < k {
			heap.Push(&h, e)
		} else if e.before(h[0]) {
			h[0] = e
			heap.Fix(&h, 0)
		}
	}
	slices.SortFunc(h, compareEntries)
	return h
}

// walk calls f with the legs q selects, newest first, while it returns
// true, stopping at legs last seen before the query's Since. k > 0 says
// that f stops after at most k legs: while writes keep the hot order
// stale, the first k hot matches are then selected instead of sorting
// every hot leg (a second read with no write between sorts them).
func (x *legIndex) walk(q store.LegQuery, k int, f func(l *flight.Leg) bool) {
	since := int64(math.MinInt64)
	if !q.Since.IsZero() {
		since = q.Since.UnixMicro()
	}
	var hot []*legEntry
	if k > 0 && 4*k < len(x.hot) && !x.sortQuiet() {
		hot = x.hotTop(q, k)
	} else {
		hot = x.hotSorted()
	}
	var cold *legEntry
	if x.head != nil {
		cold = x.head.next[0]
	}
	i := 0
	for {
		for i < len(hot) && hot[i].micro >= since && !hot[i].matches(&q) {
			i++
		}
		if i < len(hot) && hot[i].micro < since {
			i = len(hot)
		}
		for cold != nil && cold.micro >= since && !cold.matches(&q) {
			cold = cold.next[0]
		}
		if cold != nil && cold.micro < since {
			cold = nil
		}
		var e *legEntry
		switch {
		case i < len(hot) && (cold == nil || hot[i].before(cold)):
			e = hot[i]
			i++
		case cold != nil:
			e, cold = cold, cold.next[0]
		default:
			return
		}
		if !f(&e.leg) {
			return
		}
	}
}
