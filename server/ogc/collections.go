package ogc

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
)

// feat is one feature before encoding. t0..t1 is its temporal extent; zero
// when it has none.
type feat struct {
	id     string
	geom   orb.Geometry // nil: no geometry
	props  map[string]any
	t0, t1 time.Time
}

// field describes one property of a collection's features.
type field struct {
	name, typ, format, desc string
}

// collection is one feature collection: its description and how to read
// its features.
type collection struct {
	id, title, description string
	fields                 []field
	temporal               bool // features carry times (temporal extent, datetime)
	restricted             bool // raw reports: needs PublicRawReports or ScopeRaw
	// load returns the features matching q. It may pre-filter by q; the
	// caller filters exactly afterwards.
	load func(ctx context.Context, q query) ([]feat, error)
}

// routeStepKm is the spacing of great-circle route vertices.
const routeStepKm = 50

func (a *api) rawAllowed(r *http.Request) bool {
	return a.cfg.PublicRawReports || (a.deps.Authorize != nil && a.deps.Authorize(r, ScopeRaw))
}

func timeField(name, desc string) field { return field{name, "string", "date-time", desc} }

// collections builds the collections served.
func (a *api) collections() []*collection {
	s := a.deps.Store
	return []*collection{
		{
			id: "aircraft", title: "Aircraft", temporal: true,
			description: "The latest known position and state of each tracked aircraft; id is the ICAO 24-bit address (hex).",
			fields: []field{{"hex", "string", "", "ICAO 24-bit address"}, {"callsign", "string", "", "flight identification"},
				{"reg", "string", "", "registration"}, {"type", "string", "", "ICAO aircraft type"},
				{"alt_ft", "number", "", "barometric altitude, feet"}, {"gs_kt", "number", "", "ground speed, knots"},
				{"track", "number", "", "ground track, degrees true"}, {"vrate_fpm", "number", "", "vertical rate, feet per minute"},
				{"on_ground", "boolean", "", "on the ground"}, {"squawk", "string", "", "Mode A code"},
				timeField("seen", "time of the position"), {"phase", "string", "", "phase of flight"},
				{"tags", "string", "", "watchlist tags, comma-separated"}, {"watch", "string", "", "matching watchlist entry"},
				{"leg", "string", "", "current flight leg id"}},
			load: func(ctx context.Context, q query) ([]feat, error) {
				list, err := s.AircraftIn(ctx, q.bbox)
				if err != nil {
					return nil, err
				}
				out := make([]feat, 0, len(list))
				for i := range list {
					out = append(out, aircraftFeat(&list[i]))
				}
				return out, nil
			},
		},
		{
			id: "tracks", title: "Tracks", temporal: true,
			description: "The recorded track of each tracked aircraft as one LineString (aircraft with fewer than two points are left out); id is the hex.",
			fields: []field{{"hex", "string", "", "ICAO 24-bit address"}, {"callsign", "string", "", "flight identification"},
				{"points", "integer", "", "number of track points"},
				timeField("start", "time of the first point"), timeField("end", "time of the last point")},
			load: func(ctx context.Context, q query) ([]feat, error) {
				list, err := s.AircraftIn(ctx, orb.Bound{})
				if err != nil {
					return nil, err
				}
				out := make([]feat, 0, len(list))
				for _, ac := range list {
					pts, err := s.Track(ctx, ac.Hex, q.start, q.end)
					if err != nil {
						return nil, err
					}
					if len(pts) < 2 {
						continue
					}
					ls := lineOf(pts)
					t0, t1 := pts[0].Time, pts[len(pts)-1].Time
					out = append(out, feat{id: ac.Hex, geom: ls, t0: t0, t1: t1, props: map[string]any{
						"hex": ac.Hex, "callsign": ac.Callsign, "points": len(pts), "start": stamp(t0), "end": stamp(t1)}})
				}
				return out, nil
			},
		},
		{
			id: "flights", title: "Flights", temporal: true,
			description: "Flight legs (takeoff to landing) with their origin, planned and actual destination, status and times, and the flown LineString.",
			fields: []field{{"hex", "string", "", "ICAO 24-bit address"}, {"callsign", "string", "", "flight identification"},
				{"reg", "string", "", "registration"}, {"type", "string", "", "ICAO aircraft type"},
				{"status", "string", "", "taxi, airborne, landed or signal_lost"}, {"origin", "string", "", "origin airport"},
				{"planned_destination", "string", "", "destination of the matched plan"},
				{"actual_destination", "string", "", "airport where it landed"}, {"plan", "string", "", "matched plan id"},
				timeField("departed", "takeoff time"), timeField("arrived", "landing time"),
				timeField("first_seen", "first observation"), timeField("last_seen", "last observation"),
				{"watch", "string", "", "matching watchlist entry"}, {"tags", "string", "", "watchlist tags, comma-separated"}},
			load: func(ctx context.Context, q query) ([]feat, error) {
				legs, err := s.Legs(ctx, store.LegQuery{})
				if err != nil {
					return nil, err
				}
				lines, err := legLines(ctx, s, legs)
				if err != nil {
					return nil, err
				}
				out := make([]feat, 0, len(legs))
				for i, l := range legs {
					out = append(out, legFeat(l, lines[i]))
				}
				return out, nil
			},
		},
		{
			id: "routes", title: "Planned routes",
			description: "Flight plans as great-circle routes from origin to destination (MultiLineString, split at the antimeridian); null geometry when an airport is unknown.",
			temporal:    true,
			fields: []field{{"origin", "string", "", "origin airport"}, {"destination", "string", "", "destination airport"},
				{"hex", "string", "", "ICAO 24-bit address, when known"}, {"callsign", "string", "", "callsign, when known"},
				timeField("departure", "scheduled departure"), {"note", "string", "", "note"}},
			load: func(ctx context.Context, q query) ([]feat, error) {
				plans, err := s.Plans(ctx)
				if err != nil {
					return nil, err
				}
				out := make([]feat, 0, len(plans))
				for _, p := range plans {
					out = append(out, planFeat(p))
				}
				return out, nil
			},
		},
		{
			id: "alerts", title: "Alerts", temporal: true,
			description: "Alerts raised for watched flights (departed, landed, diverted, turned_back, holding, not_departed, signal_lost, emergency, off_route, geofence) at the alert position.",
			fields: []field{{"type", "string", "", "alert type"}, timeField("time", "observation time of the cause"),
				{"hex", "string", "", "ICAO 24-bit address"}, {"callsign", "string", "", "callsign"},
				{"plan", "string", "", "plan id"}, {"flight", "string", "", "flight leg id"}, {"message", "string", "", "message"},
				{"origin", "string", "", "origin airport"}, {"planned_destination", "string", "", "planned destination"},
				{"actual_destination", "string", "", "actual destination"}, {"cleared", "boolean", "", "the cause no longer holds"}},
			load: func(ctx context.Context, q query) ([]feat, error) {
				alerts, err := s.Alerts(ctx, store.AlertQuery{Since: q.start})
				if err != nil {
					return nil, err
				}
				out := make([]feat, 0, len(alerts))
				for _, al := range alerts {
					out = append(out, feat{id: al.ID, geom: orb.Point{al.Lon, al.Lat}, t0: al.Time, t1: al.Time, props: map[string]any{
						"type": string(al.Type), "time": stamp(al.Time), "hex": al.Hex, "callsign": al.Callsign, "plan": al.Plan,
						"flight": al.Flight, "message": al.Message, "origin": al.Origin, "planned_destination": al.PlannedDestination,
						"actual_destination": al.ActualDestination, "cleared": al.Cleared}})
				}
				return out, nil
			},
		},
		{
			id: "reports", title: "Enforcement reports", temporal: true, restricted: true,
			description: "Raw enforcement (arrest) reports as points: count of people, category, place and source.",
			fields: []field{timeField("time", "time of the report"), {"count", "integer", "", "people counted"},
				{"category", "string", "", "criminal, non-criminal or unknown"}, {"place", "string", "", "place named"},
				{"source", "string", "", "source"}, {"url", "string", "", "source URL"},
				{"resolved", "boolean", "", "position resolved from the place name"}},
			load: func(ctx context.Context, q query) ([]feat, error) {
				rq := store.ReportQuery{BBox: q.bbox, Since: q.start}
				if !q.end.IsZero() {
					rq.Until = q.end.Add(time.Nanosecond)
				}
				reps, err := s.Reports(ctx, rq)
				if err != nil {
					return nil, err
				}
				out := make([]feat, 0, len(reps))
				for _, rp := range reps {
					out = append(out, feat{id: rp.ID, geom: orb.Point{rp.Lon, rp.Lat}, t0: rp.Time, t1: rp.Time, props: map[string]any{
						"time": stamp(rp.Time), "count": rp.Count, "category": rp.Category, "place": rp.Place,
						"source": rp.Source, "url": rp.URL, "resolved": rp.Resolved}})
				}
				return out, nil
			},
		},
		{
			id: "report-cells", title: "Report cells",
			description: "Enforcement report counts summed per H3 hexagon (parameter res picks the resolution); cells counting fewer people than the privacy threshold are withheld. datetime selects whole UTC days.",
			fields: []field{{"h3", "string", "", "H3 index"}, {"res", "integer", "", "H3 resolution"},
				{"count", "integer", "", "people counted"}, {"reports", "integer", "", "number of reports"}},
			load: func(ctx context.Context, q query) ([]feat, error) {
				cq := store.CellQuery{Res: q.res, BBox: q.bbox, Since: q.start}
				if cq.Res == 0 {
					cq.Res = a.cfg.CellRes
				}
				if !q.end.IsZero() {
					cq.Until = q.end.Add(time.Nanosecond)
				}
				cells, err := s.Cells(ctx, cq)
				if err != nil {
					return nil, err
				}
				out := make([]feat, 0, len(cells))
				for _, c := range cells {
					if c.Count < a.cfg.MinCellCount {
						continue
					}
					id := geo.CellString(c.Cell)
					out = append(out, feat{id: id, geom: geo.CellPolygon(c.Cell), props: map[string]any{
						"h3": id, "res": c.Res, "count": c.Count, "reports": c.Reports}})
				}
				return out, nil
			},
		},
	}
}

// stamp formats a time as RFC 3339 UTC; nil for the zero time.
func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func aircraftFeat(ac *flight.Aircraft) feat {
	p := map[string]any{"hex": ac.Hex, "callsign": ac.Callsign, "reg": ac.Reg, "type": ac.Type,
		"squawk": ac.Squawk, "seen": stamp(ac.Time), "phase": string(ac.Phase),
		"tags": strings.Join(ac.Tags, ","), "watch": ac.Watch, "leg": ac.Leg}
	if ac.Known(flight.HasAlt) {
		p["alt_ft"] = ac.AltFt
	}
	if ac.Known(flight.HasGS) {
		p["gs_kt"] = ac.GSKt
	}
	if ac.Known(flight.HasTrack) {
		p["track"] = ac.TrackDeg
	}
	if ac.Known(flight.HasVRate) {
		p["vrate_fpm"] = ac.VRateFPM
	}
	if ac.Known(flight.HasGround) {
		p["on_ground"] = ac.OnGround
	}
	return feat{id: ac.Hex, geom: orb.Point{ac.Lon, ac.Lat}, props: p, t0: ac.Time, t1: ac.Time}
}

func lineOf(pts []flight.TrackPoint) orb.LineString {
	ls := make(orb.LineString, len(pts))
	for i, p := range pts {
		ls[i] = orb.Point{p.Lon, p.Lat}
	}
	return ls
}

// legFeat builds a flight feature. The flown line ends at the leg's last
// position; a leg with a single known position has a two-point line that
// starts and ends there, so that the collection has one geometry type.
func legFeat(l flight.Leg, pts []flight.TrackPoint) feat {
	ls := lineOf(pts)
	last := orb.Point{l.LastLon, l.LastLat}
	if len(ls) == 0 || ls[len(ls)-1] != last {
		ls = append(ls, last)
	}
	if len(ls) == 1 {
		ls = append(ls, last)
	}
	return feat{id: l.ID, geom: ls, t0: l.FirstSeen, t1: l.LastSeen, props: map[string]any{
		"hex": l.Hex, "callsign": l.Callsign, "reg": l.Reg, "type": l.Type, "status": string(l.Status),
		"origin": l.Origin, "planned_destination": l.PlannedDestination, "actual_destination": l.ActualDestination,
		"plan": l.Plan, "departed": stamp(l.Departed), "arrived": stamp(l.Arrived),
		"first_seen": stamp(l.FirstSeen), "last_seen": stamp(l.LastSeen), "watch": l.Watch,
		"tags": strings.Join(l.Tags, ",")}}
}

func planFeat(p flight.Plan) feat {
	f := feat{id: p.ID, t0: p.Departure, t1: p.Departure, props: map[string]any{
		"origin": p.Origin, "destination": p.Destination, "hex": p.Hex, "callsign": p.Callsign,
		"departure": stamp(p.Departure), "note": p.Note}}
	o, ok1 := geo.Airports().Lookup(p.Origin)
	d, ok2 := geo.Airports().Lookup(p.Destination)
	if ok1 && ok2 {
		f.geom = geo.GreatCircle(o.Point(), d.Point(), routeStepKm)
	}
	return f
}
