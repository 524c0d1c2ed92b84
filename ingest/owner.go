package ingest

import (
	"context"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// notDepartedLookback is how far before a not_departed alert's due time
// a stored leg that took off may have been last seen.
const notDepartedLookback = 24 * time.Hour

// departedElsewhere drops the not_departed alerts whose plan a stored leg
// carries and that leg took off. With several instances, the plan is
// judged by its owner while the aircraft (matched by callsign) may be
// tracked by another, which stored the leg; one instance alone finds only
// its own legs, already accounted for. When the store cannot be read the
// alerts are kept back (left out of alerts) and judged again next tick:
// the tracker raises each not_departed once, so they are held in
// p.heldNotDep meanwhile.
func (p *Pipeline) departedElsewhere(ctx context.Context, alerts []flight.Alert) []flight.Alert {
	var nd []flight.Alert
	keep := alerts[:0]
	for _, a := range alerts {
		if a.Type == flight.AlertNotDeparted && a.Plan != "" {
			nd = append(nd, a)
		} else {
			keep = append(keep, a)
		}
	}
	nd = append(p.heldNotDep, nd...)
	p.heldNotDep = nil
	if len(nd) == 0 {
		return keep
	}
	oldest := nd[0].Time
	for _, a := range nd {
		if a.Time.Before(oldest) {
			oldest = a.Time
		}
	}
	rctx, cancel := context.WithTimeout(ctx, p.opt.WriteTimeout)
	defer cancel()
	legs, err := p.st.Legs(rctx, store.LegQuery{Since: oldest.Add(-notDepartedLookback)})
	if err != nil {
		p.heldNotDep = nd
		p.log.Warn("check stored legs before not_departed", "err", err, "held", len(nd))
		return keep
	}
	departed := map[string]bool{}
	for _, l := range legs {
		if l.Plan != "" && !l.Departed.IsZero() {
			departed[l.Plan] = true
		}
	}
	for _, a := range nd {
		if departed[a.Plan] {
			p.log.Debug("not_departed dropped: a stored leg of the plan took off", "plan", a.Plan)
			continue
		}
		keep = append(keep, a)
	}
	return keep
}
