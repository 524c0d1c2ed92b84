package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxLine bounds one NDJSON line.
const maxLine = 1 << 20

// ndjson reads one report object per line; blank lines are skipped.
func (p *parser) ndjson(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		f, err := decodeFields(b)
		if err != nil {
			p.fail(line, err)
			continue
		}
		p.add(line, row{f: f})
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("parse reports ndjson line %d: %w: %w", line+1, ErrDocument, err)
	}
	return nil
}

// decodeFields decodes one JSON object into report fields as text.
func decodeFields(b []byte) (map[string]string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("json: %w", err)
	}
	if m == nil {
		return nil, errors.New("json: not a report object")
	}
	return fieldsOf(m)
}

// fieldsOf turns the known members of a JSON object into text: strings as
// they are, numbers as written, null as absent. Other kinds are errors.
func fieldsOf(m map[string]json.RawMessage) (map[string]string, error) {
	f := make(map[string]string, len(fieldNames))
	for k, raw := range m {
		name := strings.ToLower(k)
		if !known(name) {
			continue
		}
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) == 0 || string(raw) == "null":
		case raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, fmt.Errorf("field %s: %w", name, err)
			}
			f[name] = s
		case raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9'):
			f[name] = string(raw)
		default:
			return nil, fmt.Errorf("field %s: want a string or a number", name)
		}
	}
	return f, nil
}

func known(name string) bool {
	for _, n := range fieldNames {
		if n == name {
			return true
		}
	}
	return false
}

type featureCollection struct {
	Type     string            `json:"type"`
	Features []json.RawMessage `json:"features"`
}

type feature struct {
	Type       string                     `json:"type"`
	ID         json.RawMessage            `json:"id"`
	Geometry   *geometry                  `json:"geometry"`
	Properties map[string]json.RawMessage `json:"properties"`
}

type geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// geojson reads a FeatureCollection of Points; properties carry the report
// fields, the Point gives lon/lat. A feature without geometry is placed by
// its properties (lat/lon or place). The feature id stands in for a missing
// "id" property.
func (p *parser) geojson(r io.Reader) error {
	var fc featureCollection
	dec := json.NewDecoder(r)
	if err := dec.Decode(&fc); err != nil {
		return fmt.Errorf("parse reports geojson: %w: %w", ErrDocument, err)
	}
	if fc.Type != "FeatureCollection" {
		return fmt.Errorf("parse reports geojson: %w: type %q is not FeatureCollection", ErrDocument, fc.Type)
	}
	for i, raw := range fc.Features {
		n := i + 1
		var ft feature
		if err := json.Unmarshal(raw, &ft); err != nil {
			p.fail(n, fmt.Errorf("feature: %w", err))
			continue
		}
		if ft.Type != "Feature" {
			p.fail(n, fmt.Errorf("feature: type %q is not Feature", ft.Type))
			continue
		}
		f, err := fieldsOf(ft.Properties)
		if err != nil {
			p.fail(n, err)
			continue
		}
		if f["id"] == "" && len(ft.ID) > 0 {
			if id, err := fieldsOf(map[string]json.RawMessage{"id": ft.ID}); err == nil {
				f["id"] = id["id"]
			}
		}
		rw := row{f: f}
		if ft.Geometry != nil {
			if ft.Geometry.Type != "Point" {
				p.fail(n, fmt.Errorf("report %q: geometry %q is not a Point", f["id"], ft.Geometry.Type))
				continue
			}
			var c []float64
			if err := json.Unmarshal(ft.Geometry.Coordinates, &c); err != nil || len(c) < 2 {
				p.fail(n, fmt.Errorf("report %q: Point coordinates must be [lon, lat]", f["id"]))
				continue
			}
			rw.geom, rw.lon, rw.lat = true, c[0], c[1]
		}
		p.add(n, rw)
	}
	return nil
}
