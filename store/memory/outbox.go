package memory

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

var _ store.Outbox = (*Store)(nil)

// outbox is the in-process alert log consumer groups read, bounded like
// the alert log (the oldest entries leave first).
type outbox struct {
	mu      sync.Mutex
	entries []outEntry // ascending seq
	max     int
	seq     int64
	wake    chan struct{} // closed and replaced when an entry is added
	groups  map[string]*outGroup
	failed  map[string]map[string]store.Failure
	now     func() time.Time
}

type outEntry struct {
	seq   int64
	at    time.Time
	alert flight.Alert
}

type outGroup struct {
	next    int64 // first seq not handed out yet
	pending map[int64]*outPending
}

type outPending struct {
	consumer string
	at       time.Time
	count    int
}

func newOutbox(n int) outbox {
	return outbox{max: n, wake: make(chan struct{}), groups: map[string]*outGroup{},
		failed: map[string]map[string]store.Failure{}, now: time.Now}
}

// add appends a to the log.
func (o *outbox) add(a flight.Alert) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.seq++
	o.entries = append(o.entries, outEntry{seq: o.seq, at: o.now(), alert: a})
	if len(o.entries) > o.max {
		o.entries = slices.Delete(o.entries, 0, len(o.entries)-o.max)
	}
	close(o.wake)
	o.wake = make(chan struct{})
}

// group returns the named group, created at the log's end.
func (o *outbox) group(name string) *outGroup {
	g := o.groups[name]
	if g == nil {
		g = &outGroup{next: o.seq + 1, pending: map[int64]*outPending{}}
		o.groups[name] = g
	}
	return g
}

// find returns the entry with seq, if still in the log.
func (o *outbox) find(seq int64) (outEntry, bool) {
	i, ok := slices.BinarySearchFunc(o.entries, seq, func(e outEntry, s int64) int {
		switch {
		case e.seq < s:
			return -1
		case e.seq > s:
			return 1
		}
		return 0
	})
	if !ok {
		return outEntry{}, false
	}
	return o.entries[i], true
}

// Next hands consumer up to n alerts the group has not seen.
func (s *Store) Next(ctx context.Context, group, consumer string, n int, block time.Duration) ([]store.Delivery, error) {
	o := &s.out
	var timer <-chan time.Time
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		o.mu.Lock()
		g := o.group(group)
		var out []store.Delivery
		now := o.now()
		for _, e := range o.entries {
			if e.seq < g.next {
				continue
			}
			if len(out) == n {
				break
			}
			g.pending[e.seq] = &outPending{consumer: consumer, at: now, count: 1}
			g.next = e.seq + 1
			out = append(out, store.Delivery{ID: strconv.FormatInt(e.seq, 10), Alert: e.alert, Count: 1, Logged: e.at})
		}
		if g.next <= o.seq && len(out) < n { // entries trimmed before handing out
			g.next = o.seq + 1
		}
		wake := o.wake
		o.mu.Unlock()
		if len(out) > 0 || block <= 0 {
			return out, nil
		}
		if timer == nil {
			t := time.NewTimer(block)
			defer t.Stop()
			timer = t.C
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer:
			return nil, nil
		case <-wake:
		}
	}
}

// Pending lists up to n of the group's pending entries, oldest first.
func (s *Store) Pending(ctx context.Context, group string, n int) ([]store.Pending, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o := &s.out
	o.mu.Lock()
	defer o.mu.Unlock()
	g := o.group(group)
	seqs := make([]int64, 0, len(g.pending))
	for seq := range g.pending {
		seqs = append(seqs, seq)
	}
	slices.Sort(seqs)
	if n > 0 && len(seqs) > n {
		seqs = seqs[:n]
	}
	now := o.now()
	out := make([]store.Pending, 0, len(seqs))
	for _, seq := range seqs {
		p := g.pending[seq]
		out = append(out, store.Pending{ID: strconv.FormatInt(seq, 10), Consumer: p.consumer, Idle: now.Sub(p.at), Count: p.count})
	}
	return out, nil
}

// Claim gives consumer the pending entries idle for at least minIdle.
func (s *Store) Claim(ctx context.Context, group, consumer string, minIdle time.Duration, ids ...string) ([]store.Delivery, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o := &s.out
	o.mu.Lock()
	defer o.mu.Unlock()
	g := o.group(group)
	now := o.now()
	var out []store.Delivery
	for _, id := range ids {
		seq, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			continue
		}
		p := g.pending[seq]
		if p == nil || now.Sub(p.at) < minIdle {
			continue
		}
		e, ok := o.find(seq)
		if !ok {
			delete(g.pending, seq)
			continue
		}
		p.consumer, p.at = consumer, now
		p.count++
		out = append(out, store.Delivery{ID: id, Alert: e.alert, Count: p.count, Logged: e.at})
	}
	return out, nil
}

// Ack marks entries done for the group.
func (s *Store) Ack(ctx context.Context, group string, ids ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o := &s.out
	o.mu.Lock()
	defer o.mu.Unlock()
	g := o.group(group)
	for _, id := range ids {
		if seq, err := strconv.ParseInt(id, 10, 64); err == nil {
			delete(g.pending, seq)
		}
	}
	return nil
}

// Fail records a delivery given up on.
func (s *Store) Fail(ctx context.Context, group string, f store.Failure) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o := &s.out
	o.mu.Lock()
	defer o.mu.Unlock()
	m := o.failed[group]
	if m == nil {
		m = map[string]store.Failure{}
		o.failed[group] = m
	}
	m[f.ID] = f
	return nil
}

// Failed lists the group's failed deliveries, oldest entry first.
func (s *Store) Failed(ctx context.Context, group string) ([]store.Failure, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o := &s.out
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]store.Failure, 0, len(o.failed[group]))
	for _, f := range o.failed[group] {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b store.Failure) int { return compareIDs(a.ID, b.ID) })
	return out, nil
}

// Unfail removes a failed delivery.
func (s *Store) Unfail(ctx context.Context, group, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o := &s.out
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.failed[group][id]; !ok {
		return store.ErrNotFound
	}
	delete(o.failed[group], id)
	return nil
}

// compareIDs orders decimal entry ids numerically.
func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
