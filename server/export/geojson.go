package export

import (
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/feature"
	"github.com/flightwatch/flightwatch/store"
)

// Features are written with append-style encoders, not reflection: a
// FeatureCollection of 20,000 aircraft encodes in a few milliseconds.

// AppendCoord appends [lon,lat] with 6 decimals (about 0.1 m).
func AppendCoord(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = AppendFixed(b, p[0], 6)
	b = append(b, ',')
	b = AppendFixed(b, p[1], 6)
	return append(b, ']')
}

// AppendCoords appends a JSON array of positions.
func AppendCoords(b []byte, ps []orb.Point) []byte {
	b = append(b, '[')
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendCoord(b, p)
	}
	return append(b, ']')
}

// AppendCoordLists appends a JSON array of coordinate arrays: the lines
// of a MultiLineString or the rings of a Polygon.
func AppendCoordLists[L ~[]orb.Point](b []byte, lists []L) []byte {
	b = append(b, '[')
	for i, l := range lists {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendCoords(b, l)
	}
	return append(b, ']')
}

// AppendGeometry appends the GeoJSON geometry of g; nil is null.
func AppendGeometry(b []byte, g orb.Geometry) []byte {
	switch g := g.(type) {
	case orb.Point:
		b = append(b, `{"type":"Point","coordinates":`...)
		b = AppendCoord(b, g)
	case orb.LineString:
		b = append(b, `{"type":"LineString","coordinates":`...)
		b = AppendCoords(b, g)
	case orb.MultiLineString:
		b = append(b, `{"type":"MultiLineString","coordinates":`...)
		b = AppendCoordLists(b, g)
	case orb.Polygon:
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b = AppendCoordLists(b, g)
	default:
		return append(b, "null"...)
	}
	return append(b, '}')
}

// AppendValue appends v as a JSON value.
func AppendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return AppendQuoted(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	case int:
		return strconv.AppendInt(b, int64(v), 10)
	case float64:
		return AppendFixed(b, v, 6)
	case time.Time:
		return appendTime(b, v)
	case []string:
		return appendList(b, v)
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
			b = AppendQuoted(b, k)
			b = append(b, ':')
			b = strconv.AppendInt(b, int64(n), 10)
		}
		return append(b, '}')
	}
	return append(b, "null"...)
}

// AppendFeature appends a Feature with id, geometry and properties.
func AppendFeature(b []byte, id string, g orb.Geometry, props []Prop) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = AppendQuoted(b, id)
	b = append(b, `,"geometry":`...)
	b = AppendGeometry(b, g)
	b = append(b, `,"properties":{`...)
	for i, p := range props {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendQuoted(b, p.Name)
		b = append(b, ':')
		b = AppendValue(b, p.Value)
	}
	return append(b, "}}"...)
}

// OpenFeature appends the start of a Feature with id and geometry g, up
// to the opening brace of its properties; AppendProps adds the
// properties and CloseFeature ends it.
func OpenFeature(b []byte, id string, g orb.Geometry) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = AppendQuoted(b, id)
	b = append(b, `,"geometry":`...)
	b = AppendGeometry(b, g)
	return append(b, `,"properties":{`...)
}

// CloseFeature ends a Feature begun by OpenFeature.
func CloseFeature(b []byte) []byte { return append(b, "}}"...) }

// AppendProps appends every property of table t for v, in table order, as
// "name":value members after those already written (b ends in the
// opening brace or a member). Unknown values are null; numbers keep the
// property's Prec decimals.
func AppendProps[T any](b []byte, t feature.Table[T], v *T) []byte {
	for i := range t {
		p := &t[i]
		if b[len(b)-1] != '{' {
			b = append(b, ',')
		}
		// names are plain identifiers (feature checks), written unescaped
		b = append(b, '"')
		b = append(b, p.Name...)
		b = append(b, '"', ':')
		switch {
		case p.Str != nil:
			if s := p.Str(v); s != "" {
				b = AppendQuoted(b, s)
			} else {
				b = append(b, "null"...)
			}
			continue
		case p.Num != nil:
			if f, ok := p.Num(v); ok {
				b = AppendFixed(b, f, p.Prec)
			} else {
				b = append(b, "null"...)
			}
			continue
		case p.Time != nil:
			b = appendTime(b, p.Time(v))
			continue
		case p.List != nil:
			b = appendList(b, p.List(v))
			continue
		}
		val := p.Get(v)
		if f, ok := val.(float64); ok {
			b = AppendFixed(b, f, p.Prec)
			continue
		}
		b = AppendValue(b, val)
	}
	return b
}

// AppendTableFeature appends the Feature of v with id, geometry g and the
// properties of table t.
func AppendTableFeature[T any](b []byte, id string, g orb.Geometry, t feature.Table[T], v *T) []byte {
	b = OpenFeature(b, id, g)
	b = AppendProps(b, t, v)
	return CloseFeature(b)
}

// TableProps appends every property of table t for v to out, in table
// order, for CSV and the GIS formats.
func TableProps[T any](out []Prop, t feature.Table[T], v *T) []Prop {
	for i := range t {
		out = append(out, Prop{t[i].Name, t[i].Get(v)})
	}
	return out
}

// appendTime appends t as an RFC 3339 UTC string (seconds); zero is null.
func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339)
	return append(b, '"')
}

// appendList appends a JSON array of strings.
func appendList(b []byte, l []string) []byte {
	b = append(b, '[')
	for i, s := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendQuoted(b, s)
	}
	return append(b, ']')
}

// appendSources appends list as a JSON array of source objects.
func appendSources(b []byte, list []store.SourceSeen) []byte {
	b = append(b, '[')
	for i, s := range list {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"source":`...)
		b = AppendQuoted(b, s.Source)
		b = append(b, `,"first":`...)
		b = AppendValue(b, s.First)
		b = append(b, `,"last":`...)
		b = AppendValue(b, s.Last)
		b = append(b, `,"positions":`...)
		b = AppendValue(b, s.Positions)
		b = append(b, '}')
	}
	return append(b, ']')
}
