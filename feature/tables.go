package feature

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
)

var (
	legStatuses = []string{string(flight.LegTaxi), string(flight.LegAirborne), string(flight.LegLanded), string(flight.LegSignalLost)}
	legClasses  = []string{string(flight.ClassRemoval), string(flight.ClassDomestic), string(flight.ClassReturn), string(flight.ClassForeign), string(flight.ClassUnknown)}
	legBases    = []string{string(flight.BasisPlan), string(flight.BasisHistory), string(flight.BasisRoute), string(flight.BasisCourse)}
	phases      = []string{string(flight.PhaseGround), string(flight.PhaseClimb), string(flight.PhaseCruise), string(flight.PhaseDescent), string(flight.PhaseLost)}
	alertTypes  = func() []string {
		out := make([]string, len(flight.AlertTypes))
		for i, t := range flight.AlertTypes {
			out[i] = string(t)
		}
		return out
	}()
)

// Aircraft is the property table of an aircraft's latest state.
var Aircraft = Table[flight.Aircraft]{
	strProp("hex", "ICAO 24-bit address", nil, func(a *flight.Aircraft) string { return a.Hex }),
	strProp("callsign", "flight identification", nil, func(a *flight.Aircraft) string { return a.Callsign }),
	strProp("reg", "registration", nil, func(a *flight.Aircraft) string { return a.Reg }),
	strProp("type", "ICAO aircraft type", nil, func(a *flight.Aircraft) string { return a.Type }),
	numProp("alt_ft", "barometric altitude, feet", 0, func(a *flight.Aircraft) (float64, bool) { return a.AltFt, a.Known(flight.HasAlt) }),
	numProp("gs_kt", "ground speed, knots", 1, func(a *flight.Aircraft) (float64, bool) { return a.GSKt, a.Known(flight.HasGS) }),
	numProp("track", "ground track, degrees true", 1, func(a *flight.Aircraft) (float64, bool) { return a.TrackDeg, a.Known(flight.HasTrack) }),
	{Name: "on_ground", Type: Boolean, Desc: "on the ground", Get: func(a *flight.Aircraft) any {
		if a.Known(flight.HasGround) {
			return a.OnGround
		}
		return nil
	}},
	timeProp("seen", "time of the position", func(a *flight.Aircraft) time.Time { return a.Time }),
	strProp("phase", "phase of flight", phases, func(a *flight.Aircraft) string { return string(a.Phase) }),
	listProp("tags", "watchlist tags", func(a *flight.Aircraft) []string { return a.Tags }),
	strProp("watch", "matching watchlist entry", nil, func(a *flight.Aircraft) string { return a.Watch }),
	strProp("squawk", "Mode A code", nil, func(a *flight.Aircraft) string { return a.Squawk }),
	numProp("vrate_fpm", "vertical rate, feet per minute", 0, func(a *flight.Aircraft) (float64, bool) { return a.VRateFPM, a.Known(flight.HasVRate) }),
	{Name: "military", Type: Boolean, Desc: "the source flags the aircraft as military", Get: func(a *flight.Aircraft) any { return a.Military }},
	strProp("leg", "current flight leg id", nil, func(a *flight.Aircraft) string { return a.Leg }),
	timeProp("leg_start", "time of the current leg's first sighting (RFC 3339 UTC); null when the aircraft has no leg",
		func(a *flight.Aircraft) time.Time {
			t, _ := LegStart(a.Leg)
			return t
		}),
	strProp("source", "the feed (or push client) that sent the latest position", nil, func(a *flight.Aircraft) string { return a.Source }),
}

// LegStart returns the time of a leg's first sighting from its id
// ("<hex>-<Unix seconds of the first sighting>"); false when id is empty or
// not of that form.
func LegStart(id string) (time.Time, bool) {
	i := strings.IndexByte(id, '-')
	if i <= 0 || i == len(id)-1 || strings.Trim(id[i+1:], "0123456789") != "" {
		return time.Time{}, false
	}
	sec, err := strconv.ParseInt(id[i+1:], 10, 64)
	if err != nil || sec <= 0 || sec > maxUnix {
		return time.Time{}, false
	}
	return time.Unix(sec, 0).UTC(), true
}

// maxUnix is the last second LegStart accepts (year 9999), so that the
// time formats as RFC 3339.
const maxUnix = 253402300799

// LegDuration is a leg's duration in whole seconds from takeoff (or first
// sighting) to landing (or last sighting); ok is false when unknown.
func LegDuration(l *flight.Leg) (int, bool) {
	start, end := l.Departed, l.Arrived
	if start.IsZero() {
		start = l.FirstSeen
	}
	if end.IsZero() {
		end = l.LastSeen
	}
	if start.IsZero() || end.IsZero() || end.Before(start) {
		return 0, false
	}
	return int(end.Sub(start) / time.Second), true
}

// Leg is the property table of a flight leg. Outputs follow it with the
// Provenance properties of the leg.
var Leg = Table[flight.Leg]{
	{Name: "id", Type: String, Desc: "leg id: hex, dash, Unix seconds of the first sighting", Get: func(l *flight.Leg) any { return l.ID }},
	{Name: "hex", Type: String, Desc: "ICAO 24-bit address", Get: func(l *flight.Leg) any { return l.Hex }},
	{Name: "callsign", Type: String, Desc: "flight identification", Get: func(l *flight.Leg) any { return str(l.Callsign) }},
	{Name: "reg", Type: String, Desc: "registration", Get: func(l *flight.Leg) any { return str(l.Reg) }},
	{Name: "type", Type: String, Desc: "ICAO aircraft type", Get: func(l *flight.Leg) any { return str(l.Type) }},
	{Name: "status", Type: String, Desc: "taxi, airborne, landed or signal_lost", Enum: legStatuses, Get: func(l *flight.Leg) any { return str(string(l.Status)) }},
	{Name: "origin", Type: String, Desc: "origin airport", Get: func(l *flight.Leg) any { return str(l.Origin) }},
	{Name: "planned_destination", Type: String, Desc: "destination of the matched plan", Get: func(l *flight.Leg) any { return str(l.PlannedDestination) }},
	{Name: "actual_destination", Type: String, Desc: "airport where it landed", Get: func(l *flight.Leg) any { return str(l.ActualDestination) }},
	{Name: "plan", Type: String, Desc: "matched plan id", Get: func(l *flight.Leg) any { return str(l.Plan) }},
	{Name: "departed", Type: String, Format: FormatDateTime, Desc: "takeoff time", Get: func(l *flight.Leg) any { return stamp(l.Departed) }},
	{Name: "arrived", Type: String, Format: FormatDateTime, Desc: "landing time", Get: func(l *flight.Leg) any { return stamp(l.Arrived) }},
	{Name: "first_seen", Type: String, Format: FormatDateTime, Desc: "first observation", Get: func(l *flight.Leg) any { return stamp(l.FirstSeen) }},
	{Name: "last_seen", Type: String, Format: FormatDateTime, Desc: "last observation", Get: func(l *flight.Leg) any { return stamp(l.LastSeen) }},
	{Name: "duration", Type: Integer, Desc: "seconds from takeoff (or first seen) to landing (or last seen)", Get: func(l *flight.Leg) any {
		if d, ok := LegDuration(l); ok {
			return d
		}
		return nil
	}},
	{Name: "watch", Type: String, Desc: "matching watchlist entry", Get: func(l *flight.Leg) any { return str(l.Watch) }},
	{Name: "tags", Type: Array, Desc: "watchlist tags", Get: func(l *flight.Leg) any { return list(l.Tags) }},
	{Name: "military", Type: Boolean, Desc: "tagged military by the watchlist", Get: func(l *flight.Leg) any { return slices.Contains(l.Tags, "military") }},
	{Name: "predicted_destination", Type: String, Desc: "airport the leg is predicted to reach", Get: func(l *flight.Leg) any { return str(l.PredictedDestination) }},
	{Name: "predicted_confidence", Type: Number, Prec: 6, Desc: "confidence of the prediction, 0-1", Get: func(l *flight.Leg) any {
		if l.PredictedDestination == "" {
			return nil
		}
		return l.PredictedConfidence
	}},
	{Name: "predicted_basis", Type: String, Desc: "what the prediction was inferred from", Enum: legBases, Get: func(l *flight.Leg) any { return str(string(l.PredictedBasis)) }},
	{Name: "class", Type: String, Desc: "removal, domestic, return, foreign or unknown (also when not judged)", Enum: legClasses, Get: func(l *flight.Leg) any {
		if l.Class == "" {
			return string(flight.ClassUnknown)
		}
		return string(l.Class)
	}},
}

// Sources is the provenance of a leg: the feeds that saw it, as the
// store's history keeps it; nil when the store keeps none.
type Sources []store.SourceSeen

// Provenance is the property table of a leg's provenance, written after
// the Leg properties by every leg output.
var Provenance = Table[Sources]{
	{Name: "sources", Type: Array, Desc: "the feeds that saw the leg: source, first and last time, positions", Get: func(s *Sources) any {
		if *s == nil {
			return []store.SourceSeen{}
		}
		return []store.SourceSeen(*s)
	}},
	{Name: "positions", Type: Integer, Desc: "positions received for the leg, from every feed", Get: func(s *Sources) any {
		n := 0
		for _, src := range *s {
			n += src.Positions
		}
		return n
	}},
}

// Alert is the property table of an alert.
var Alert = Table[flight.Alert]{
	{Name: "id", Type: String, Desc: "alert id", Get: func(a *flight.Alert) any { return a.ID }},
	{Name: "type", Type: String, Desc: "alert type", Enum: alertTypes, Get: func(a *flight.Alert) any { return string(a.Type) }},
	{Name: "time", Type: String, Format: FormatDateTime, Desc: "observation time of the cause", Get: func(a *flight.Alert) any { return stamp(a.Time) }},
	{Name: "hex", Type: String, Desc: "ICAO 24-bit address", Get: func(a *flight.Alert) any { return str(a.Hex) }},
	{Name: "callsign", Type: String, Desc: "callsign", Get: func(a *flight.Alert) any { return str(a.Callsign) }},
	{Name: "plan", Type: String, Desc: "plan id", Get: func(a *flight.Alert) any { return str(a.Plan) }},
	{Name: "flight", Type: String, Desc: "flight leg id", Get: func(a *flight.Alert) any { return str(a.Flight) }},
	{Name: "message", Type: String, Desc: "message", Get: func(a *flight.Alert) any { return a.Message }},
	{Name: "origin", Type: String, Desc: "origin airport", Get: func(a *flight.Alert) any { return str(a.Origin) }},
	{Name: "planned_destination", Type: String, Desc: "planned destination", Get: func(a *flight.Alert) any { return str(a.PlannedDestination) }},
	{Name: "actual_destination", Type: String, Desc: "actual destination", Get: func(a *flight.Alert) any { return str(a.ActualDestination) }},
	{Name: "cleared", Type: Boolean, Desc: "the cause no longer holds", Get: func(a *flight.Alert) any { return a.Cleared }},
}

// Report is the property table of an enforcement report.
var Report = Table[flight.Report]{
	{Name: "id", Type: String, Desc: "report id", Get: func(r *flight.Report) any { return r.ID }},
	{Name: "time", Type: String, Format: FormatDateTime, Desc: "time of the report", Get: func(r *flight.Report) any { return stamp(r.Time) }},
	{Name: "count", Type: Integer, Desc: "people counted", Get: func(r *flight.Report) any { return r.Count }},
	{Name: "category", Type: String, Desc: "criminal, non-criminal or unknown", Get: func(r *flight.Report) any { return str(r.Category) }},
	{Name: "place", Type: String, Desc: "place named", Get: func(r *flight.Report) any { return str(r.Place) }},
	{Name: "source", Type: String, Desc: "source", Get: func(r *flight.Report) any { return str(r.Source) }},
	{Name: "url", Type: String, Desc: "source URL", Get: func(r *flight.Report) any { return str(r.URL) }},
	{Name: "resolved", Type: Boolean, Desc: "position resolved from the place name", Get: func(r *flight.Report) any { return r.Resolved }},
}

// Cell is the property table of an H3 cell's summed report count.
var Cell = Table[store.CellCount]{
	{Name: "h3", Type: String, Desc: "H3 cell index", Get: func(c *store.CellCount) any { return geo.CellString(c.Cell) }},
	{Name: "res", Type: Integer, Desc: "H3 resolution", Get: func(c *store.CellCount) any { return c.Res }},
	{Name: "count", Type: Integer, Desc: "people counted by the reports in the window", Get: func(c *store.CellCount) any { return c.Count }},
	{Name: "reports", Type: Integer, Desc: "number of reports", Get: func(c *store.CellCount) any { return c.Reports }},
	{Name: "sources", Type: Object, Desc: "people counted per report source", Get: func(c *store.CellCount) any {
		if c.Sources == nil {
			return map[string]int{}
		}
		return c.Sources
	}},
}

// Plan is the property table of a flight plan.
var Plan = Table[flight.Plan]{
	{Name: "id", Type: String, Desc: "plan id", Get: func(p *flight.Plan) any { return p.ID }},
	{Name: "origin", Type: String, Desc: "origin airport", Get: func(p *flight.Plan) any { return str(p.Origin) }},
	{Name: "destination", Type: String, Desc: "destination airport", Get: func(p *flight.Plan) any { return str(p.Destination) }},
	{Name: "hex", Type: String, Desc: "ICAO 24-bit address, when known", Get: func(p *flight.Plan) any { return str(p.Hex) }},
	{Name: "callsign", Type: String, Desc: "callsign, when known", Get: func(p *flight.Plan) any { return str(p.Callsign) }},
	{Name: "departure", Type: String, Format: FormatDateTime, Desc: "scheduled departure", Get: func(p *flight.Plan) any { return stamp(p.Departure) }},
	{Name: "note", Type: String, Desc: "note", Get: func(p *flight.Plan) any { return str(p.Note) }},
}

// PlannedRoute is a plan drawn as a great-circle line from its origin to
// its destination.
type PlannedRoute struct {
	Plan flight.Plan
	// DistanceKm is the great-circle distance between the airports;
	// meaningful only when Known.
	DistanceKm float64
	// Known is false when either airport is not in the index.
	Known bool
}

// Route is the property table of a planned route: the plan's properties,
// then its great-circle distance.
var Route = func() Table[PlannedRoute] {
	t := make(Table[PlannedRoute], 0, len(Plan)+1)
	for i := range Plan {
		p := Plan[i]
		t = append(t, Prop[PlannedRoute]{Name: p.Name, Type: p.Type, Format: p.Format, Desc: p.Desc, Prec: p.Prec, Enum: p.Enum,
			Get: func(r *PlannedRoute) any { return p.Get(&r.Plan) }})
	}
	return append(t, numProp("distance_km", "great-circle distance from origin to destination, km", 1,
		func(r *PlannedRoute) (float64, bool) { return r.DistanceKm, r.Known }))
}()

// Track summarises an aircraft's recorded track.
type Track struct {
	Hex, Callsign string
	Points        int
	Start, End    time.Time
}

// TrackTable is the property table of a recorded track.
var TrackTable = Table[Track]{
	{Name: "hex", Type: String, Desc: "ICAO 24-bit address", Get: func(t *Track) any { return t.Hex }},
	{Name: "callsign", Type: String, Desc: "flight identification", Get: func(t *Track) any { return str(t.Callsign) }},
	{Name: "points", Type: Integer, Desc: "number of track points", Get: func(t *Track) any { return t.Points }},
	{Name: "start", Type: String, Format: FormatDateTime, Desc: "time of the first point", Get: func(t *Track) any { return stamp(t.Start) }},
	{Name: "end", Type: String, Format: FormatDateTime, Desc: "time of the last point", Get: func(t *Track) any { return stamp(t.End) }},
}
