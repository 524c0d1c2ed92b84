package reports

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// Resolver turns a place name ("Newark, NJ", an airport code) into a
// position. geo.Gazetteer() satisfies it.
type Resolver interface {
	Resolve(place string) (lat, lon float64, err error)
}

// Field names of a report, shared by the three formats.
var fieldNames = []string{"id", "time", "lat", "lon", "count", "category", "place", "source", "url"}

// maxText bounds free-text fields (place, source, url, category).
const maxText = 2048

// maxRowErrors bounds the row errors one document may return; past it the
// rest are counted in one final error.
const maxRowErrors = 1000

// Parse reads one document of reports in format f. Rows are validated with
// flight.Report.Validate(now); a row without lat/lon is placed by resolving
// its place with res (nil: such rows fail) and marked Resolved. Bad rows are
// skipped and returned as LineErrors (the line number in the file for CSV and
// NDJSON, the feature index from 1 for GeoJSON); a bad document (unreadable,
// a CSV header lacking required columns, GeoJSON that is not a
// FeatureCollection) fails with an error wrapping ErrDocument. Reports
// repeating an id already seen in the document are dropped silently: the
// first one is kept.
func Parse(r io.Reader, f Format, res Resolver, now time.Time) ([]flight.Report, []flight.LineError, error) {
	p := &parser{res: res, now: now, seen: make(map[string]struct{})}
	var err error
	switch f {
	case CSV:
		err = p.csv(r)
	case NDJSON:
		err = p.ndjson(r)
	case GeoJSON:
		err = p.geojson(r)
	default:
		err = fmt.Errorf("parse reports: format %v: %w", f, ErrContentType)
	}
	if err != nil {
		return nil, nil, err
	}
	if p.dropped > 0 {
		p.errs = append(p.errs, flight.LineError{Line: p.lastLine,
			Error: fmt.Sprintf("%d more bad rows not listed", p.dropped)})
	}
	return p.out, p.errs, nil
}

type parser struct {
	res      Resolver
	now      time.Time
	seen     map[string]struct{}
	out      []flight.Report
	errs     []flight.LineError
	dropped  int
	lastLine int
}

func (p *parser) fail(line int, err error) {
	p.lastLine = line
	if len(p.errs) >= maxRowErrors {
		p.dropped++
		return
	}
	p.errs = append(p.errs, flight.LineError{Line: line, Error: err.Error()})
}

// row is one report's fields as text, before parsing. geom is set when a
// GeoJSON geometry gave the position.
type row struct {
	f        map[string]string
	geom     bool
	lat, lon float64
}

// add parses, places and validates one row, keeping it unless its id was
// seen already.
func (p *parser) add(line int, rw row) {
	rep, err := p.build(rw)
	if err != nil {
		p.fail(line, err)
		return
	}
	if _, dup := p.seen[rep.ID]; dup {
		return
	}
	p.seen[rep.ID] = struct{}{}
	p.out = append(p.out, rep)
}

func (p *parser) build(rw row) (flight.Report, error) {
	f := rw.f
	rep := flight.Report{
		ID:       strings.TrimSpace(f["id"]),
		Category: strings.ToLower(strings.TrimSpace(f["category"])),
		Place:    strings.TrimSpace(f["place"]),
		Source:   strings.TrimSpace(f["source"]),
		URL:      strings.TrimSpace(f["url"]),
	}
	for _, s := range []string{rep.Category, rep.Place, rep.Source, rep.URL} {
		if len(s) > maxText {
			return rep, fmt.Errorf("report %q: text field longer than %d bytes", rep.ID, maxText)
		}
	}
	if rep.ID == "" {
		return rep, errors.New("report: id is required")
	}
	t, err := parseTime(f["time"])
	if err != nil {
		return rep, fmt.Errorf("report %q: %w", rep.ID, err)
	}
	rep.Time = t
	if rep.Count, err = parseCount(f["count"]); err != nil {
		return rep, fmt.Errorf("report %q: %w", rep.ID, err)
	}
	if err := p.place(&rep, rw); err != nil {
		return rep, fmt.Errorf("report %q: %w", rep.ID, err)
	}
	if err := rep.Validate(p.now); err != nil {
		return rep, fmt.Errorf("report %q: %w", rep.ID, err)
	}
	return rep, nil
}

// place sets the report's position from the geometry, from lat/lon, or by
// resolving its place.
func (p *parser) place(rep *flight.Report, rw row) error {
	if rw.geom {
		rep.Lat, rep.Lon = rw.lat, rw.lon
		return nil
	}
	slat, slon := strings.TrimSpace(rw.f["lat"]), strings.TrimSpace(rw.f["lon"])
	switch {
	case slat != "" && slon != "":
		lat, err := strconv.ParseFloat(slat, 64)
		if err != nil {
			return fmt.Errorf("lat %q is not a number", slat)
		}
		lon, err := strconv.ParseFloat(slon, 64)
		if err != nil {
			return fmt.Errorf("lon %q is not a number", slon)
		}
		rep.Lat, rep.Lon = lat, lon
		return nil
	case slat != "" || slon != "":
		return errors.New("lat and lon must be given together")
	case rep.Place == "":
		return errors.New("lat/lon or place is required")
	case p.res == nil:
		return fmt.Errorf("place %q: place resolution unavailable", rep.Place)
	}
	lat, lon, err := p.res.Resolve(rep.Place)
	if err != nil {
		return fmt.Errorf("place %q: %w", rep.Place, err)
	}
	rep.Lat, rep.Lon, rep.Resolved = lat, lon, true
	return nil
}

// parseTime accepts RFC 3339 or a plain date YYYY-MM-DD (midnight UTC).
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("time is required")
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("time %q is neither RFC 3339 nor YYYY-MM-DD", s)
}

// parseCount accepts a whole number >= 1, written as an integer or as a
// float with no fraction (JSON writers emit 3.0).
func parseCount(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("count is required")
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 {
			return 0, fmt.Errorf("count %d must be >= 1", n)
		}
		return n, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != math.Trunc(v) || v < 1 || v > 1e9 {
		return 0, fmt.Errorf("count %q is not a whole number >= 1", s)
	}
	return int(v), nil
}

// csv reads a CSV document whose first row is a header.
func (p *parser) csv(r io.Reader) error {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("parse reports csv: empty document: %w", ErrDocument)
		}
		return fmt.Errorf("parse reports csv header: %w: %w", ErrDocument, err)
	}
	col := make(map[string]int)
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := col[h]; !dup && h != "" {
			col[h] = i
		}
	}
	var missing []string
	for _, name := range []string{"id", "time", "count"} {
		if _, ok := col[name]; !ok {
			missing = append(missing, name)
		}
	}
	_, hasLat := col["lat"]
	_, hasLon := col["lon"]
	_, hasPlace := col["place"]
	if hasLat != hasLon {
		missing = append(missing, "lat and lon together")
	} else if !hasLat && !hasPlace {
		missing = append(missing, "lat/lon or place")
	}
	if len(missing) > 0 {
		return fmt.Errorf("parse reports csv header: %w: missing column %s", ErrDocument, strings.Join(missing, ", "))
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			p.fail(pe.Line, fmt.Errorf("csv: %w", pe.Err))
			continue
		}
		if err != nil {
			return fmt.Errorf("parse reports csv: %w: %w", ErrDocument, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		f := make(map[string]string, len(fieldNames))
		for _, name := range fieldNames {
			if i, ok := col[name]; ok && i < len(rec) {
				f[name] = rec[i]
			}
		}
		p.add(line, row{f: f})
	}
}
