package ogc

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/feature"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
)

// feat is one feature before encoding. vals holds the property values as
// the feature schema's getters return them (nil: unknown); t0..t1 is its
// temporal extent, zero when it has none.
type feat struct {
	id     string
	geom   orb.Geometry // nil: no geometry
	vals   map[string]any
	t0, t1 time.Time
	leg    *flight.Leg // flights: the leg whose flown line is still to be read
}

// Value returns a property value for the filter evaluator.
func (f *feat) Value(name string) any {
	if f.vals == nil && f.leg != nil {
		v, _ := feature.Leg.Get(f.leg, name)
		return v
	}
	return f.vals[name]
}

// Geometry returns the feature's geometry for the filter evaluator.
func (f *feat) Geometry() orb.Geometry { return f.geom }

// valuesOf reads every property of v through the table's getters.
func valuesOf[T any](t feature.Table[T], v *T) map[string]any {
	m := make(map[string]any, len(t))
	for i := range t {
		m[t[i].Name] = t[i].Get(v)
	}
	return m
}

// field describes one property of a collection's features.
type field struct {
	name, typ, format, desc string
	enum                    []string
}

func fieldsOf(fs []feature.Field) []field {
	out := make([]field, len(fs))
	for i, f := range fs {
		out[i] = field{f.Name, f.Type, f.Format, f.Desc, f.Enum}
	}
	return out
}

// result is what a collection's loader returns: the candidate features,
// which the caller filters exactly and pages, or, when paged is set, the
// page itself (at most limit+1 features, the extra one telling that there
// is a next page), already filtered and paged.
type result struct {
	feats []feat
	paged bool
	total int // paged: the number of all matches, -1 when unknown
}

// collection is one feature collection: its description and how to read
// its features.
type collection struct {
	id, title, description string
	fields                 []field
	geomType               string // GeoJSON geometry type of the features
	temporal               bool   // features carry times (temporal extent, datetime)
	restricted             bool   // raw reports: needs PublicRawReports or ScopeRaw
	ordered                bool   // load returns features in their final order
	// load returns the features matching q: the store answers what it can
	// (see pushdown.go).
	load func(ctx context.Context, q *query) (result, error)
	// fill completes a feature for output (the flown line of a flight);
	// nil when features are complete.
	fill func(ctx context.Context, f *feat) error
	// find returns the one feature with id, or nil.
	find func(ctx context.Context, id string, q *query) (*feat, error)
}

// routeStepKm is the spacing of great-circle route vertices.
const routeStepKm = 50

func (a *api) rawAllowed(r *http.Request) bool {
	return a.cfg.PublicRawReports || (a.deps.Authorize != nil && a.deps.Authorize(r, ScopeRaw))
}

// collections builds the collections served.
func (a *api) collections() []*collection {
	s := a.deps.Store
	return []*collection{
		{
			id: "aircraft", title: "Aircraft", temporal: true, geomType: "Point",
			description: "The latest known position and state of each tracked aircraft; id is the ICAO 24-bit address (hex).",
			fields:      fieldsOf(feature.Aircraft.Fields()),
			load: func(ctx context.Context, q *query) (result, error) {
				if hex, ok := q.equal("hex"); ok {
					ac, err := s.Aircraft(ctx, hex)
					if errors.Is(err, store.ErrNotFound) {
						return result{}, nil
					}
					if err != nil {
						return result{}, err
					}
					return result{feats: []feat{aircraftFeat(&ac)}}, nil
				}
				list, err := s.AircraftIn(ctx, q.storeBBox())
				if err != nil {
					return result{}, err
				}
				out := make([]feat, 0, len(list))
				for i := range list {
					out = append(out, aircraftFeat(&list[i]))
				}
				return result{feats: out}, nil
			},
		},
		{
			id: "tracks", title: "Tracks", temporal: true, geomType: "LineString",
			description: "The recorded track of each tracked aircraft as one LineString (aircraft with fewer than two points are left out); id is the hex.",
			fields:      fieldsOf(feature.TrackTable.Fields()),
			load: func(ctx context.Context, q *query) (result, error) {
				list, err := s.AircraftIn(ctx, orb.Bound{})
				if err != nil {
					return result{}, err
				}
				if hex, ok := q.equal("hex"); ok {
					list = list[:0:0]
					if ac, err := s.Aircraft(ctx, hex); err == nil {
						list = append(list, ac)
					}
				}
				out := make([]feat, 0, len(list))
				for _, ac := range list {
					pts, err := s.Track(ctx, ac.Hex, q.start, q.end)
					if err != nil {
						return result{}, err
					}
					if len(pts) < 2 {
						continue
					}
					tr := feature.Track{Hex: ac.Hex, Callsign: ac.Callsign, Points: len(pts), Start: pts[0].Time, End: pts[len(pts)-1].Time}
					out = append(out, feat{id: ac.Hex, geom: lineOf(pts), t0: tr.Start, t1: tr.End, vals: valuesOf(feature.TrackTable, &tr)})
				}
				return result{feats: out}, nil
			},
		},
		{
			id: "flights", title: "Flights", temporal: true, ordered: true, geomType: "LineString",
			description: "Flight legs (takeoff to landing) with their origin, planned, predicted and actual destination, class, status and times, and the flown LineString; newest first.",
			fields:      fieldsOf(append(feature.Leg.Fields(), feature.Provenance.Fields()...)),
			load:        a.loadFlights,
			fill:        a.fillFlight,
			find:        a.findFlight,
		},
		{
			id: "routes", title: "Planned routes", geomType: "MultiLineString",
			description: "Flight plans as great-circle routes from origin to destination (MultiLineString, split at the antimeridian); null geometry when an airport is unknown.",
			temporal:    true,
			fields:      fieldsOf(feature.Route.Fields()),
			load: func(ctx context.Context, q *query) (result, error) {
				plans, err := s.Plans(ctx)
				if err != nil {
					return result{}, err
				}
				out := make([]feat, 0, len(plans))
				for _, p := range plans {
					out = append(out, planFeat(p, a.deps.Airports))
				}
				return result{feats: out}, nil
			},
		},
		{
			id: "alerts", title: "Alerts", temporal: true, ordered: true, geomType: "Point",
			description: "Alerts raised for watched flights (departed, landed, diverted, turned_back, holding, not_departed, signal_lost, emergency, off_route, geofence) at the alert position; newest first.",
			fields:      fieldsOf(feature.Alert.Fields()),
			load:        a.loadAlerts,
		},
		{
			id: "reports", title: "Enforcement reports", temporal: true, restricted: true, geomType: "Point",
			description: "Raw enforcement (arrest) reports as points: count of people, category, place and source.",
			fields:      fieldsOf(feature.Report.Fields()),
			load: func(ctx context.Context, q *query) (result, error) {
				rq := store.ReportQuery{BBox: q.storeBBox(), Since: q.start}
				if !q.end.IsZero() {
					rq.Until = q.end.Add(time.Nanosecond)
				}
				reps, err := s.Reports(ctx, rq)
				if err != nil {
					return result{}, err
				}
				out := make([]feat, 0, len(reps))
				for i := range reps {
					rp := &reps[i]
					out = append(out, feat{id: rp.ID, geom: orb.Point{rp.Lon, rp.Lat}, t0: rp.Time, t1: rp.Time, vals: valuesOf(feature.Report, rp)})
				}
				return result{feats: out}, nil
			},
		},
		{
			id: "report-cells", title: "Report cells", temporal: true, geomType: "Polygon",
			description: "Enforcement report counts summed per H3 cell (default resolution from the configuration; res= picks another one the store aggregates). Cells with fewer people than the privacy threshold are withheld.",
			fields:      fieldsOf(feature.Cell.Fields()),
			load: func(ctx context.Context, q *query) (result, error) {
				cq := store.CellQuery{Res: q.res, BBox: q.storeBBox(), Since: q.start}
				if cq.Res == 0 {
					cq.Res = a.cfg.CellRes
				}
				if !q.end.IsZero() {
					cq.Until = q.end.Add(time.Nanosecond)
				}
				cells, err := s.Cells(ctx, cq)
				if err != nil {
					return result{}, err
				}
				out := make([]feat, 0, len(cells))
				for i := range cells {
					c := &cells[i]
					if !flight.CellPublished(c.Count, a.cfg.MinCellCount) {
						continue
					}
					out = append(out, feat{id: geo.CellString(c.Cell), geom: geo.CellPolygon(c.Cell), vals: valuesOf(feature.Cell, c)})
				}
				return result{feats: out}, nil
			},
		},
	}
}

func aircraftFeat(ac *flight.Aircraft) feat {
	return feat{id: ac.Hex, geom: orb.Point{ac.Lon, ac.Lat}, vals: valuesOf(feature.Aircraft, ac), t0: ac.Time, t1: ac.Time}
}

func lineOf(pts []flight.TrackPoint) orb.LineString {
	ls := make(orb.LineString, len(pts))
	for i, p := range pts {
		ls[i] = orb.Point{p.Lon, p.Lat}
	}
	return ls
}

// legLine is a flight's geometry. The flown line ends at the leg's last
// position; a leg with a single known position has a two-point line that
// starts and ends there, so that the collection has one geometry type.
func legLine(l *flight.Leg, pts []flight.TrackPoint) orb.LineString {
	ls := lineOf(pts)
	last := orb.Point{l.LastLon, l.LastLat}
	if len(ls) == 0 || ls[len(ls)-1] != last {
		ls = append(ls, last)
	}
	if len(ls) == 1 {
		ls = append(ls, last)
	}
	return ls
}

// legFeat builds a flight feature without its values and line, which
// fill adds; until then Value reads the leg.
func legFeat(l *flight.Leg) feat {
	return feat{id: l.ID, t0: l.FirstSeen, t1: l.LastSeen, leg: l}
}

func planFeat(p flight.Plan, airports *geo.AirportIndex) feat {
	r := feature.PlannedRoute{Plan: p}
	o, ok1 := airports.Lookup(p.Origin)
	d, ok2 := airports.Lookup(p.Destination)
	f := feat{id: p.ID, t0: p.Departure, t1: p.Departure}
	if ok1 && ok2 {
		f.geom = geo.GreatCircle(o.Point(), d.Point(), routeStepKm)
		r.DistanceKm, r.Known = geo.DistanceKm(o.Point(), d.Point()), true
	}
	f.vals = valuesOf(feature.Route, &r)
	return f
}
