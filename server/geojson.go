package server

import (
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// Features are written with append-style encoders, not reflection: a
// FeatureCollection of 20,000 aircraft encodes in a few milliseconds.

// kv is one property of a feature, in output order. v is nil, string,
// bool, int, float64, time.Time or []string; a float64 NaN is null.
type kv struct {
	k string
	v any
}

// appendCoord appends [lon,lat] with 6 decimals (about 0.1 m).
func appendCoord(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = appendFixed(b, p[0], 6)
	b = append(b, ',')
	b = appendFixed(b, p[1], 6)
	return append(b, ']')
}

func appendCoords(b []byte, ps []orb.Point) []byte {
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCoord(b, p)
	}
	return append(b, ']')
}

// appendCoordLists appends a JSON array of coordinate arrays: the lines
// of a MultiLineString or the rings of a Polygon.
func appendCoordLists[L ~[]orb.Point](b []byte, lists []L) []byte {
	b = append(b, '[')
	for i, l := range lists {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendCoords(b, l)
	}
	return append(b, ']')
}

// appendGeometry appends the GeoJSON geometry of g; nil is null.
func appendGeometry(b []byte, g orb.Geometry) []byte {
	switch g := g.(type) {
	case orb.Point:
		b = append(b, `{"type":"Point","coordinates":`...)
		b = appendCoord(b, g)
	case orb.LineString:
		b = append(b, `{"type":"LineString","coordinates":`...)
		b = appendCoords(b, g)
	case orb.MultiLineString:
		b = append(b, `{"type":"MultiLineString","coordinates":`...)
		b = appendCoordLists(b, g)
	case orb.Polygon:
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b = appendCoordLists(b, g)
	default:
		return append(b, "null"...)
	}
	return append(b, '}')
}

// appendValue appends v as a JSON value.
func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return appendQuoted(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case float64:
		return appendFixed(b, v, 6)
	case time.Time:
		if v.IsZero() {
			return append(b, "null"...)
		}
		b = append(b, '"')
		b = v.UTC().AppendFormat(b, time.RFC3339)
		return append(b, '"')
	case []string:
		b = append(b, '[')
		for i, s := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendQuoted(b, s)
		}
		return append(b, ']')
	case []store.SourceSeen:
		return appendSources(b, v)
	case map[string]int:
		b = append(b, '{')
		first := true
		for k, n := range v {
			if !first {
				b = append(b, ',')
			}
			first = false
			b = appendQuoted(b, k)
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(n), 10)
		}
		return append(b, '}')
	}
	return append(b, "null"...)
}

// appendFeature appends a Feature with id, geometry and properties.
func appendFeature(b []byte, id string, g orb.Geometry, props []kv) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = appendQuoted(b, id)
	b = append(b, `,"geometry":`...)
	b = appendGeometry(b, g)
	b = append(b, `,"properties":{`...)
	for i, p := range props {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendQuoted(b, p.k)
		b = append(b, ':')
		b = appendValue(b, p.v)
	}
	return append(b, "}}"...)
}

// optional returns v when known, else nil (JSON null, empty CSV cell).
func optional(known bool, v float64) any {
	if !known {
		return nil
	}
	return v
}

func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// aircraftProps lists an aircraft's properties in output order; the CSV
// export uses it, the GeoJSON encoder below writes the same fields directly.
func aircraftProps(a *flight.Aircraft) []kv {
	tags := a.Tags
	if tags == nil {
		tags = []string{}
	}
	var onGround any
	if a.Known(flight.HasGround) {
		onGround = a.OnGround
	}
	return []kv{
		{"hex", a.Hex}, {"callsign", str(a.Callsign)}, {"reg", str(a.Reg)}, {"type", str(a.Type)},
		{"alt_ft", optional(a.Known(flight.HasAlt), a.AltFt)},
		{"gs_kt", optional(a.Known(flight.HasGS), a.GSKt)},
		{"track", optional(a.Known(flight.HasTrack), a.TrackDeg)},
		{"on_ground", onGround}, {"seen", a.Time}, {"phase", str(string(a.Phase))},
		{"tags", tags}, {"watch", str(a.Watch)}, {"squawk", str(a.Squawk)},
		{"vrate_fpm", optional(a.Known(flight.HasVRate), a.VRateFPM)},
		{"military", a.Military}, {"leg", str(a.Leg)},
	}
}

var aircraftColumns = []string{"hex", "callsign", "reg", "type", "alt_ft", "gs_kt", "track", "on_ground",
	"seen", "phase", "tags", "watch", "squawk", "vrate_fpm", "military", "leg"}

func appendStrProp(b []byte, name, v string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	if v == "" {
		return append(b, "null"...)
	}
	return appendQuoted(b, v)
}

func appendNumProp(b []byte, name string, known bool, v float64, prec int) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	if !known {
		return append(b, "null"...)
	}
	return appendFixed(b, v, prec)
}

// appendAircraftFeature appends the GeoJSON Feature of a (id = hex).
func appendAircraftFeature(b []byte, a *flight.Aircraft) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = appendQuoted(b, a.Hex)
	b = append(b, `,"geometry":{"type":"Point","coordinates":`...)
	b = appendCoord(b, orb.Point{a.Lon, a.Lat})
	b = append(b, `},"properties":{"hex":`...)
	b = appendQuoted(b, a.Hex)
	b = appendStrProp(b, "callsign", a.Callsign)
	b = appendStrProp(b, "reg", a.Reg)
	b = appendStrProp(b, "type", a.Type)
	b = appendNumProp(b, "alt_ft", a.Has&flight.HasAlt != 0, a.AltFt, 0)
	b = appendNumProp(b, "gs_kt", a.Has&flight.HasGS != 0, a.GSKt, 1)
	b = appendNumProp(b, "track", a.Has&flight.HasTrack != 0, a.TrackDeg, 1)
	b = append(b, `,"on_ground":`...)
	if a.Has&flight.HasGround != 0 {
		b = strconv.AppendBool(b, a.OnGround)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"seen":`...)
	b = appendValue(b, a.Time)
	b = appendStrProp(b, "phase", string(a.Phase))
	b = append(b, `,"tags":`...)
	b = appendValue(b, a.Tags)
	b = appendStrProp(b, "watch", a.Watch)
	b = appendStrProp(b, "squawk", a.Squawk)
	b = appendNumProp(b, "vrate_fpm", a.Has&flight.HasVRate != 0, a.VRateFPM, 0)
	b = append(b, `,"military":`...)
	b = strconv.AppendBool(b, a.Military)
	b = appendStrProp(b, "leg", a.Leg)
	return append(b, "}}"...)
}

// alertProps lists an alert's properties in output order.
func alertProps(a *flight.Alert) []kv {
	return []kv{
		{"id", a.ID}, {"type", string(a.Type)}, {"time", a.Time}, {"hex", str(a.Hex)},
		{"callsign", str(a.Callsign)}, {"plan", str(a.Plan)}, {"flight", str(a.Flight)},
		{"message", a.Message}, {"origin", str(a.Origin)},
		{"planned_destination", str(a.PlannedDestination)},
		{"actual_destination", str(a.ActualDestination)}, {"cleared", a.Cleared},
	}
}

var alertColumns = []string{"id", "type", "time", "hex", "callsign", "plan", "flight", "message",
	"origin", "planned_destination", "actual_destination", "cleared"}

func appendAlertFeature(b []byte, a *flight.Alert) []byte {
	return appendFeature(b, a.ID, orb.Point{a.Lon, a.Lat}, alertProps(a))
}

// reportProps lists a report's properties in output order.
func reportProps(r *flight.Report) []kv {
	return []kv{
		{"id", r.ID}, {"time", r.Time}, {"count", r.Count}, {"category", str(r.Category)},
		{"place", str(r.Place)}, {"source", str(r.Source)}, {"url", str(r.URL)}, {"resolved", r.Resolved},
	}
}

var reportColumns = []string{"id", "time", "count", "category", "place", "source", "url", "resolved"}

func appendReportFeature(b []byte, r *flight.Report) []byte {
	return appendFeature(b, r.ID, orb.Point{r.Lon, r.Lat}, reportProps(r))
}

// legProps lists a leg's properties in output order; duration is in
// seconds from takeoff (or first seen) to landing (or last seen).
func legProps(l *flight.Leg) []kv {
	start, end := l.Departed, l.Arrived
	if start.IsZero() {
		start = l.FirstSeen
	}
	if end.IsZero() {
		end = l.LastSeen
	}
	var dur any
	if !start.IsZero() && !end.IsZero() && !end.Before(start) {
		dur = int(end.Sub(start) / time.Second)
	}
	tags := l.Tags
	if tags == nil {
		tags = []string{}
	}
	return []kv{
		{"id", l.ID}, {"hex", l.Hex}, {"callsign", str(l.Callsign)}, {"reg", str(l.Reg)},
		{"type", str(l.Type)}, {"status", string(l.Status)}, {"origin", str(l.Origin)},
		{"planned_destination", str(l.PlannedDestination)}, {"actual_destination", str(l.ActualDestination)},
		{"plan", str(l.Plan)}, {"departed", l.Departed}, {"arrived", l.Arrived},
		{"first_seen", l.FirstSeen}, {"last_seen", l.LastSeen}, {"duration", dur},
		{"watch", str(l.Watch)}, {"tags", tags}, {"military", slices.Contains(l.Tags, "military")},
		{"predicted_destination", str(l.PredictedDestination)},
		{"predicted_confidence", optional(l.PredictedDestination != "", l.PredictedConfidence)},
		{"predicted_basis", str(string(l.PredictedBasis))}, {"class", legClass(l)},
	}
}

// legClass is a leg's class, unknown when not judged.
func legClass(l *flight.Leg) string {
	if l.Class == "" {
		return string(flight.ClassUnknown)
	}
	return string(l.Class)
}

var legColumns = []string{"id", "hex", "callsign", "reg", "type", "status", "origin", "planned_destination",
	"actual_destination", "plan", "departed", "arrived", "first_seen", "last_seen", "duration", "watch", "tags",
	"military", "predicted_destination", "predicted_confidence", "predicted_basis", "class"}

// trackGeometry is a LineString of points, or a Point when there are fewer
// than two (RFC 7946 needs two positions per LineString).
func trackGeometry(pts []flight.TrackPoint, fallback orb.Geometry) orb.Geometry {
	switch len(pts) {
	case 0:
		return fallback
	case 1:
		return orb.Point{pts[0].Lon, pts[0].Lat}
	}
	ls := make(orb.LineString, len(pts))
	for i, p := range pts {
		ls[i] = orb.Point{p.Lon, p.Lat}
	}
	return ls
}
