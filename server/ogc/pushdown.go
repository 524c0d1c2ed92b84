package ogc

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/cql2"
	"github.com/flightwatch/flightwatch/feature"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// The store answers what it can of an items request: the bbox through the
// H3 cell index (aircraft, reports, report cells), datetime and time
// bounds through the leg and alert time indexes, equality on hex, class,
// status and type, and paging. A request whose every part the store
// answers exactly is paged by the store; otherwise the store narrows the
// candidates and the whole filter is evaluated on them.

// equal returns the string value of a top-level "name = 'value'" conjunct.
func (q *query) equal(name string) (string, bool) {
	for _, c := range q.conj {
		if n, v, ok := cql2.Equality(c); ok && n == name {
			if s, ok := v.(string); ok && s != "" {
				return s, true
			}
		}
	}
	return "", false
}

// setString sets *dst to v when it is unset, and reports whether the
// store's filter is then exactly "= v".
func setString[S ~string](dst *S, v any) bool {
	s, ok := v.(string)
	if !ok || s == "" {
		return false
	}
	if *dst == "" {
		*dst = S(s)
		return true
	}
	return string(*dst) == s
}

// since narrows a lower time bound (at or after t).
func since(dst *time.Time, t time.Time) bool {
	if dst.IsZero() || t.After(*dst) {
		*dst = t
	}
	return true
}

// until narrows an upper time bound (before t).
func until(dst *time.Time, t time.Time) bool {
	if dst.IsZero() || t.Before(*dst) {
		*dst = t
	}
	return true
}

// legQuery returns the store query for a flights request and whether it
// answers the request exactly.
func legQuery(q *query) (store.LegQuery, bool) {
	var lq store.LegQuery
	exact := !q.hasBBox
	if q.hasTime {
		// a leg spans first_seen..last_seen: it meets the window when it
		// was last seen at or after the start and first seen by the end
		lq.Since = q.start
		if !q.end.IsZero() {
			lq.Until = q.end.Add(time.Nanosecond)
		}
	}
	for _, c := range q.conj {
		if !pushLeg(c, &lq) {
			exact = false
		}
	}
	return lq, exact
}

func pushLeg(c cql2.Expr, lq *store.LegQuery) bool {
	if name, v, ok := cql2.Equality(c); ok {
		switch name {
		case "hex":
			return setString(&lq.Hex, v)
		case "status":
			return setString(&lq.Status, v)
		case "class":
			return setString(&lq.Class, v)
		}
		return false
	}
	name, op, t, ok := cql2.TimeBound(c)
	if !ok {
		return false
	}
	switch {
	case name == "last_seen" && op == ">=":
		return since(&lq.Since, t)
	case name == "last_seen" && op == ">":
		return since(&lq.Since, t.Add(time.Nanosecond))
	case name == "first_seen" && op == "<":
		return until(&lq.Until, t)
	case name == "first_seen" && op == "<=":
		return until(&lq.Until, t.Add(time.Nanosecond))
	}
	return false
}

// firstChunk is how many candidate legs a filter the store cannot answer
// is first evaluated on; each further chunk is four times larger.
var firstChunk = 1000

func (a *api) loadFlights(ctx context.Context, q *query) (result, error) {
	lq, exact := legQuery(q)
	if exact {
		lq.Offset, lq.Limit = q.offset, q.limit+1
		legs, err := a.deps.Store.Legs(ctx, lq)
		if err != nil {
			return result{}, err
		}
		out := make([]feat, len(legs))
		for i := range legs {
			out[i] = legFeat(&legs[i])
		}
		return result{feats: out, paged: true, total: -1}, nil
	}
	// Evaluate the rest of the filter on the store's candidates, newest
	// first, in growing chunks, until the page and one more match are
	// found or the candidates run out.
	need := q.offset + q.limit + 1
	var matched []feat
	pos, chunk := 0, firstChunk
	for {
		lq.Offset, lq.Limit = pos, chunk
		legs, err := a.deps.Store.Legs(ctx, lq)
		if err != nil {
			return result{}, err
		}
		for i := range legs {
			f := legFeat(&legs[i])
			if q.needGeometry() {
				if err := a.fillFlight(ctx, &f); err != nil {
					return result{}, err
				}
			}
			if q.matches(&f, true) {
				matched = append(matched, f)
			}
		}
		pos += len(legs)
		if len(legs) < chunk {
			// every candidate was seen: the count is known
			return result{feats: matched[min(q.offset, len(matched)):], paged: true, total: len(matched)}, nil
		}
		if len(matched) >= need {
			return result{feats: matched[q.offset:need], paged: true, total: -1}, nil
		}
		chunk *= 4
	}
}

// fillFlight reads a flight's values (the Leg, then the Provenance
// properties) and flown line.
func (a *api) fillFlight(ctx context.Context, f *feat) error {
	if f.leg == nil {
		return nil
	}
	l := f.leg
	lines, sources, err := feature.LegLines(ctx, a.deps.Store, []flight.Leg{*l})
	if err != nil {
		return err
	}
	vals := valuesOf(feature.Leg, l)
	for k, v := range valuesOf(feature.Provenance, &sources[0]) {
		vals[k] = v
	}
	f.vals, f.geom, f.leg = vals, legLine(l, lines[0]), nil
	return nil
}

// findFlight reads one leg by id, "<hex>-<unix seconds>", through the
// aircraft's legs.
func (a *api) findFlight(ctx context.Context, id string, _ *query) (*feat, error) {
	hex, _, ok := strings.Cut(id, "-")
	if !ok {
		return nil, nil
	}
	legs, err := a.deps.Store.Legs(ctx, store.LegQuery{Hex: hex})
	if err != nil {
		return nil, err
	}
	for i := range legs {
		if legs[i].ID == id {
			f := legFeat(&legs[i])
			if err := a.fillFlight(ctx, &f); err != nil {
				return nil, err
			}
			return &f, nil
		}
	}
	return nil, nil
}

// alertQuery returns the store query for an alerts request and whether it
// answers the request exactly.
func alertQuery(q *query) (store.AlertQuery, bool) {
	var aq store.AlertQuery
	exact := !q.hasBBox
	if q.hasTime {
		aq.Since = q.start
		if !q.end.IsZero() {
			aq.Until = q.end.Add(time.Nanosecond)
		}
	}
	for _, c := range q.conj {
		if !pushAlert(c, &aq) {
			exact = false
		}
	}
	return aq, exact
}

func pushAlert(c cql2.Expr, aq *store.AlertQuery) bool {
	if name, v, ok := cql2.Equality(c); ok {
		switch name {
		case "hex":
			return setString(&aq.Hex, v)
		case "type":
			return setString(&aq.Type, v)
		}
	}
	if name, op, t, ok := cql2.TimeBound(c); ok && name == "time" {
		switch op {
		case ">=":
			return since(&aq.Since, t)
		case ">":
			return since(&aq.Since, t.Add(time.Nanosecond))
		case "<":
			return until(&aq.Until, t)
		case "<=":
			return until(&aq.Until, t.Add(time.Nanosecond))
		case "=":
			return since(&aq.Since, t) && until(&aq.Until, t.Add(time.Nanosecond))
		}
	}
	// T_INTERSECTS(time, INTERVAL(a, b)) is a time window
	if tf, ok := c.(*cql2.Temporal); ok && tf.Op == "t_intersects" {
		p, isProp := tf.Left.(*cql2.Property)
		iv, isIv := tf.Right.(*cql2.Interval)
		if isProp && isIv && p.Name == "time" {
			if !iv.Start.IsZero() {
				since(&aq.Since, iv.Start)
			}
			if !iv.End.IsZero() {
				until(&aq.Until, iv.End.Add(time.Nanosecond))
			}
			return true
		}
	}
	return false
}

func (a *api) loadAlerts(ctx context.Context, q *query) (result, error) {
	aq, exact := alertQuery(q)
	if exact {
		aq.Offset, aq.Limit = q.offset, q.limit+1
	}
	alerts, err := a.deps.Store.Alerts(ctx, aq)
	if err != nil {
		return result{}, err
	}
	out := make([]feat, len(alerts))
	for i := range alerts {
		out[i] = alertFeat(&alerts[i])
	}
	return result{feats: out, paged: exact, total: -1}, nil
}

func alertFeat(al *flight.Alert) feat {
	return feat{id: al.ID, geom: pointOf(al.Lon, al.Lat), t0: al.Time, t1: al.Time, vals: valuesOf(feature.Alert, al)}
}

// exactExtentLegs is how many legs the flights extent is computed from
// exactly, with their lines.
const exactExtentLegs = 1000

// flightExtent computes the extent of the flights collection: exactly
// from every leg and its line when the store holds at most
// exactExtentLegs legs; otherwise the whole world and the time up to the
// newest leg, so that describing the collection never reads a million legs.
func (a *api) flightExtent(r *http.Request, ext extent) (extent, error) {
	ctx := r.Context()
	legs, err := a.deps.Store.Legs(ctx, store.LegQuery{Limit: exactExtentLegs + 1})
	if err != nil || len(legs) == 0 {
		return ext, err
	}
	if len(legs) > exactExtentLegs {
		s1 := legs[0].LastSeen.UTC().Format(time.RFC3339)
		ext.Temporal.Interval[0] = [2]*string{nil, &s1}
		return ext, nil
	}
	var b orb.Bound
	t0, t1 := legs[0].FirstSeen, legs[0].LastSeen
	for i := range legs {
		f := legFeat(&legs[i])
		if err := a.fillFlight(ctx, &f); err != nil {
			return ext, err
		}
		if i == 0 {
			b = f.geom.Bound()
		} else {
			b = b.Union(f.geom.Bound())
		}
		if f.t0.Before(t0) {
			t0 = f.t0
		}
		if f.t1.After(t1) {
			t1 = f.t1
		}
	}
	ext.Spatial.BBox[0] = [4]float64{max(b.Min[0], -180), max(b.Min[1], -90), min(b.Max[0], 180), min(b.Max[1], 90)}
	s0, s1 := t0.UTC().Format(time.RFC3339), t1.UTC().Format(time.RFC3339)
	ext.Temporal.Interval[0] = [2]*string{&s0, &s1}
	return ext, nil
}
