package track

import "github.com/flightwatch/flightwatch/flight"

// SetOwner limits the clock-driven detectors of Tick to what this process
// owns when several share one store: owns(hex) says whether the aircraft
// hex is judged here (signal_lost, landed by silence), and a plan is
// judged for not_departed when owns(PlanKey(plan)) holds. Nil (the
// default) owns everything. owns is called with shard locks held: it must
// be quick and must not call the tracker. It is safe for concurrent use.
func (t *Tracker) SetOwner(owns func(key string) bool) {
	if owns == nil {
		t.owner.Store(nil)
		return
	}
	t.owner.Store(&owns)
}

// PlanKey is the key a plan's owner is chosen by (see SetOwner): the
// plan's hex when it names one, so that the aircraft's owner judges it,
// else its id.
func PlanKey(p flight.Plan) string {
	if p.Hex != "" {
		return p.Hex
	}
	return "plan:" + p.ID
}

// owns reports whether key is judged by this tracker.
func (t *Tracker) owns(key string) bool {
	f := t.owner.Load()
	return f == nil || (*f)(key)
}

// Forget drops the state of every aircraft whose hex drop selects (their
// current legs and the plan claims of those legs), for a process that
// handed those aircraft to another. It returns how many were dropped.
// It is safe for concurrent use.
func (t *Tracker) Forget(drop func(hex string) bool) int {
	var gone []*legState
	n := 0
	for i := range t.shards {
		sh := &t.shards[i]
		sh.mu.Lock()
		for hex, s := range sh.m {
			if !drop(hex) {
				continue
			}
			if s.leg != nil {
				gone = append(gone, s.leg)
			}
			delete(sh.m, hex)
			n++
		}
		sh.mu.Unlock()
	}
	if len(gone) == 0 {
		return n
	}
	dropped := make(map[*legState]bool, len(gone))
	for _, l := range gone {
		dropped[l] = true
	}
	t.planMu.Lock()
	for id, l := range t.planUse {
		if dropped[l] {
			delete(t.planUse, id)
		}
	}
	t.planMu.Unlock()
	return n
}
