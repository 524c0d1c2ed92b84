package ogc

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/flightwatch/flightwatch/cql2"
	"github.com/flightwatch/flightwatch/feature"
)

// geometryQueryable is the name filters use for a feature's geometry.
const geometryQueryable = feature.GeometryName

// filter languages accepted by filter-lang; cql-text is the name earlier
// drafts (and GDAL before 3.7) use for cql2-text.
var filterLangs = []string{"cql2-text", "cql2-json", "cql-text"}

func kindOf(f *field) cql2.Kind {
	return feature.KindOf(feature.Field{Name: f.name, Type: f.typ, Format: f.format})
}

// schema returns the kinds of the properties a filter may name.
func (c *collection) schema() cql2.Schema {
	s := cql2.Schema{geometryQueryable: cql2.KindGeometry}
	for i := range c.fields {
		s[c.fields[i].name] = kindOf(&c.fields[i])
	}
	return s
}

func (c *collection) field(name string) (*field, bool) {
	for i := range c.fields {
		if c.fields[i].name == name {
			return &c.fields[i], true
		}
	}
	return nil, false
}

// parseFilter reads filter, filter-lang and filter-crs, and the property
// parameters (?class=removal: equality; repeated: any of the values), into
// one expression; nil when there is none. The error is the 400 message.
func (c *collection) parseFilter(v url.Values) (cql2.Expr, error) {
	var parts []cql2.Expr
	if s := v.Get("filter"); s != "" {
		var e cql2.Expr
		var err error
		switch lang := v.Get("filter-lang"); lang {
		case "", "cql2-text", "cql-text":
			e, err = cql2.ParseText(s)
		case "cql2-json":
			e, err = cql2.ParseJSON([]byte(s))
		default:
			return nil, fmt.Errorf("filter-lang %q is not supported (supported: %s)", lang, strings.Join(filterLangs, ", "))
		}
		if err == nil {
			err = cql2.Check(e, c.schema())
		}
		if err != nil {
			return nil, fmt.Errorf("%s", cql2.Message("filter", err))
		}
		if s := v.Get("filter-crs"); s != "" {
			crs, err := parseCRS("filter-crs", s)
			if err != nil {
				return nil, err
			}
			reproject(e, crs)
		}
		parts = append(parts, e)
	} else if v.Has("filter-lang") || v.Has("filter-crs") {
		if l := v.Get("filter-lang"); l != "" && l != "cql2-text" && l != "cql2-json" && l != "cql-text" {
			return nil, fmt.Errorf("filter-lang %q is not supported (supported: %s)", l, strings.Join(filterLangs, ", "))
		}
	}
	names := make([]string, 0)
	for k := range v {
		if _, ok := c.field(k); ok && !reserved[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		e, err := c.propertyParam(name, v[name])
		if err != nil {
			return nil, err
		}
		parts = append(parts, e)
	}
	switch len(parts) {
	case 0:
		return nil, nil
	case 1:
		return parts[0], nil
	}
	return &cql2.Logic{At: "1", Op: "and", Args: parts}, nil
}

// propertyParam turns ?name=value (repeated: any of the values) into an
// expression.
func (c *collection) propertyParam(name string, values []string) (cql2.Expr, error) {
	f, _ := c.field(name)
	prop := &cql2.Property{At: "1", Name: name}
	lits := make([]cql2.Operand, 0, len(values))
	for _, s := range values {
		var val any = s
		switch kindOf(f) {
		case cql2.KindNumber:
			n, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("%s %q must be a number", name, s)
			}
			val = n
		case cql2.KindBool:
			b, err := strconv.ParseBool(s)
			if err != nil {
				return nil, fmt.Errorf("%s %q must be true or false", name, s)
			}
			val = b
		case cql2.KindTime:
			t0, _, ok := parseInstant(s)
			if !ok {
				return nil, fmt.Errorf("%s %q must be an RFC 3339 time", name, s)
			}
			val = t0
		}
		if len(f.enum) > 0 && kindOf(f) == cql2.KindString && !contains(f.enum, s) {
			return nil, fmt.Errorf("%s %q: want one of %s", name, s, strings.Join(f.enum, ", "))
		}
		lits = append(lits, &cql2.Literal{At: "1", Value: val})
	}
	if len(lits) == 1 {
		return &cql2.Compare{At: "1", Op: "=", Left: prop, Right: lits[0]}, nil
	}
	return &cql2.In{At: "1", Left: prop, List: lits}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// reproject converts the geometry literals of e from crs to CRS84.
func reproject(e cql2.Expr, crs *crsDef) {
	switch e := e.(type) {
	case *cql2.Logic:
		for _, a := range e.Args {
			reproject(a, crs)
		}
	case *cql2.Not:
		reproject(e.Arg, crs)
	case *cql2.Spatial:
		for _, o := range []cql2.Operand{e.Left, e.Right} {
			if g, ok := o.(*cql2.Geometry); ok {
				g.Geom = project(g.Geom, crs.to)
			}
		}
	}
}

// hasSpatial reports whether e uses a spatial function.
func hasSpatial(e cql2.Expr) bool {
	switch e := e.(type) {
	case *cql2.Logic:
		for _, a := range e.Args {
			if hasSpatial(a) {
				return true
			}
		}
	case *cql2.Not:
		return hasSpatial(e.Arg)
	case *cql2.Spatial:
		return true
	}
	return false
}

// queryables serves the JSON Schema of the properties a filter may name
// (OGC API - Features Part 3).
func (a *api) queryables(w http.ResponseWriter, r *http.Request) {
	c, ok := a.lookup(w, r)
	if !ok {
		return
	}
	html, ok := negotiate(w, r)
	if !ok {
		return
	}
	base := a.base(r) + "/collections/" + url.PathEscape(c.id)
	if html {
		p := page{Title: "Queryables of " + c.title, Description: "Properties usable in filter (CQL2) and as query parameters.",
			Links: selfLinks(base+"/queryables", typeSchema, true, "Queryables"), Header: []string{"property", "type", "description"}}
		p.Rows = append(p.Rows, []string{geometryQueryable, c.geomType, "the feature's geometry (spatial functions)"})
		for _, f := range c.fields {
			typ := f.typ
			if f.format != "" {
				typ += " (" + f.format + ")"
			}
			p.Rows = append(p.Rows, []string{f.name, typ, f.desc})
		}
		a.writeHTML(w, p)
		return
	}
	props := map[string]any{
		geometryQueryable: map[string]any{"title": geometryQueryable, "description": "the feature's geometry",
			"format": "geometry-" + strings.ToLower(c.geomType), "x-ogc-role": "primary-geometry",
			"$ref": "https://geojson.org/schema/" + c.geomType + ".json"},
	}
	for _, f := range c.fields {
		props[f.name] = propertySchema(f)
	}
	writeJSON(w, http.StatusOK, typeSchema, map[string]any{
		"$schema":              "https://json-schema.org/draft/2019-09/schema",
		"$id":                  base + "/queryables",
		"type":                 "object",
		"title":                c.title,
		"description":          "Properties of " + c.id + " usable in filter (CQL2) and as query parameters",
		"properties":           props,
		"additionalProperties": false,
	})
}

// propertySchema is the JSON Schema of one property. Any property may be
// null in a feature (unknown).
func propertySchema(f field) map[string]any {
	s := map[string]any{"title": f.name, "description": f.desc, "type": f.typ}
	if f.format != "" {
		s["format"] = f.format
	}
	if f.typ == feature.Array {
		s["items"] = map[string]any{"type": "string"}
	}
	if len(f.enum) > 0 {
		s["enum"] = f.enum
	}
	return s
}
