package track

import (
	"maps"
	"slices"
	"sync"

	"github.com/flightwatch/flightwatch/flight"
)

// Txn applies a batch of observations provisionally: each aircraft's
// state before the batch is kept until Commit drops it or Rollback puts it
// back. A caller that stores a batch's results first and commits only
// after the store accepted them can retry the batch after a failure and
// get the same transitions and alerts again.
//
// A Txn is used by one goroutine; several may run at once. When two
// batches touch one aircraft at once and the first is rolled back after
// the second stepped the aircraft, the later state is kept (the rollback
// of that aircraft is skipped).
type Txn struct {
	t     *Tracker
	saved []*undo
	done  bool
}

// undo is one aircraft's state before a transaction first touched it.
type undo struct {
	owner  *Txn
	hex    string
	s      *acState
	isNew  bool
	gen    uint64 // s.gen after the transaction's last step of s
	state  acState
	leg    *legState
	legVal legState
	plans  []planUndo
}

// planUndo is a plan's claim before a transaction changed it.
type planUndo struct {
	id  string
	old *legState
}

// Begin starts a transaction.
func (t *Tracker) Begin() *Txn { return &Txn{t: t} }

// Observe is Tracker.Observe inside the transaction.
func (x *Txn) Observe(o flight.Observation) Result {
	t := x.t
	if o.Hex == "" || flight.ValidLatLon(o.Lat, o.Lon) != nil || o.Time.IsZero() {
		return Result{Reason: "invalid observation"}
	}
	sh := t.shard(o.Hex)
	sh.mu.Lock()
	s := sh.m[o.Hex]
	isNew := s == nil
	if isNew {
		s = &acState{}
		sh.m[o.Hex] = s
	}
	u := s.txn
	if u == nil || u.owner != x {
		u = undoPool.Get().(*undo)
		u.owner, u.hex, u.s, u.isNew = x, o.Hex, s, isNew
		if !isNew {
			u.state = s.clone()
			if s.leg != nil {
				u.leg, u.legVal = s.leg, s.leg.clone()
			}
		}
		x.saved = append(x.saved, u)
	}
	s.txn = u
	res := t.step(s, o)
	s.gen++
	u.gen = s.gen
	sh.mu.Unlock()
	if res.Accepted {
		t.advance(o)
	}
	return res
}

// Commit makes the transaction's steps final.
func (x *Txn) Commit() {
	if x.done {
		return
	}
	x.done = true
	for _, u := range x.saved {
		sh := x.t.shard(u.hex)
		sh.mu.Lock()
		if u.s.txn == u {
			u.s.txn = nil
		}
		sh.mu.Unlock()
		u.free()
	}
	x.saved = nil
}

// undoPool recycles undo records: a batch makes one per aircraft.
var undoPool = sync.Pool{New: func() any { return new(undo) }}

// free returns u to the pool once nothing points to it.
func (u *undo) free() {
	plans := u.plans[:0]
	*u = undo{plans: plans}
	undoPool.Put(u)
}

// Rollback puts back the state every aircraft touched by the transaction
// had before it, and the plan claims it changed.
func (x *Txn) Rollback() {
	if x.done {
		return
	}
	x.done = true
	t := x.t
	for i := len(x.saved) - 1; i >= 0; i-- {
		u := x.saved[i]
		sh := t.shard(u.hex)
		sh.mu.Lock()
		if u.s.gen == u.gen {
			if u.isNew {
				if sh.m[u.hex] == u.s {
					delete(sh.m, u.hex)
				}
			} else {
				gen := u.s.gen
				*u.s = u.state
				u.s.gen = gen + 1
				if u.leg != nil {
					*u.leg = u.legVal
				}
			}
			if len(u.plans) > 0 {
				t.planMu.Lock()
				for j := len(u.plans) - 1; j >= 0; j-- {
					pu := u.plans[j]
					if pu.old == nil {
						delete(t.planUse, pu.id)
					} else {
						t.planUse[pu.id] = pu.old
					}
				}
				t.planMu.Unlock()
			}
		}
		if u.s.txn == u {
			u.s.txn = nil
		}
		sh.mu.Unlock()
		u.free()
	}
	x.saved = nil
}

// notePlan records, inside a transaction, the claim on plan id before l
// takes it. Called with t.planMu held.
func (t *Tracker) notePlan(s *acState, id string) {
	if s.txn != nil {
		s.txn.plans = append(s.txn.plans, planUndo{id: id, old: t.planUse[id]})
	}
}

// clone returns a copy of s that shares nothing mutable with it (the leg
// is copied separately, see legState.clone).
func (s *acState) clone() acState {
	c := *s
	if s.inFence != nil {
		c.inFence = maps.Clone(s.inFence)
	}
	c.txn = nil
	return c
}

// clone returns a copy of l that shares nothing mutable with it.
func (l *legState) clone() legState {
	c := *l
	if l.raised != nil {
		c.raised = maps.Clone(l.raised)
	}
	c.hold = l.hold.Clone()
	c.pred.samples = slices.Clone(l.pred.samples)
	return c
}
