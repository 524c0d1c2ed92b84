package server

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/feature"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/server/export"
	"github.com/flightwatch/flightwatch/store"
)

// Default and largest limits of the list endpoints.
const (
	defaultLimit = 1000
	maxLimit     = 100000
)

// The feature sets of the list endpoints: properties from the tables of
// package feature, CSV columns named as the properties.

type aircraftSet []flight.Aircraft

func (s aircraftSet) Len() int                             { return len(s) }
func (s aircraftSet) AppendFeature(b []byte, i int) []byte { return appendAircraftFeature(b, &s[i]) }
func (s aircraftSet) Geometry(i int) orb.Geometry          { return orb.Point{s[i].Lon, s[i].Lat} }
func (s aircraftSet) Props(i int) []kv                     { return export.TableProps(nil, feature.Aircraft, &s[i]) }
func (aircraftSet) Columns() []string                      { return feature.Aircraft.Names() }

type alertSet []flight.Alert

func (s alertSet) Len() int                             { return len(s) }
func (s alertSet) AppendFeature(b []byte, i int) []byte { return appendAlertFeature(b, &s[i]) }
func (s alertSet) Geometry(i int) orb.Geometry          { return orb.Point{s[i].Lon, s[i].Lat} }
func (s alertSet) Props(i int) []kv                     { return export.TableProps(nil, feature.Alert, &s[i]) }
func (alertSet) Columns() []string                      { return feature.Alert.Names() }

type reportSet []flight.Report

func (s reportSet) Len() int                             { return len(s) }
func (s reportSet) AppendFeature(b []byte, i int) []byte { return appendReportFeature(b, &s[i]) }
func (s reportSet) Geometry(i int) orb.Geometry          { return orb.Point{s[i].Lon, s[i].Lat} }
func (s reportSet) Props(i int) []kv                     { return export.TableProps(nil, feature.Report, &s[i]) }
func (reportSet) Columns() []string                      { return feature.Report.Names() }

// legSet is legs with their flown lines and provenance: the Leg
// properties, then the Provenance ones.
type legSet struct {
	legs    []flight.Leg
	tracks  [][]flight.TrackPoint
	sources []feature.Sources // nil: no provenance
}

func (s legSet) source(i int) *feature.Sources {
	if s.sources == nil {
		return new(feature.Sources)
	}
	return &s.sources[i]
}

func (s legSet) Len() int { return len(s.legs) }
func (s legSet) AppendFeature(b []byte, i int) []byte {
	b = export.OpenFeature(b, s.legs[i].ID, s.Geometry(i))
	b = export.AppendProps(b, feature.Leg, &s.legs[i])
	b = export.AppendProps(b, feature.Provenance, s.source(i))
	return export.CloseFeature(b)
}
func (s legSet) Geometry(i int) orb.Geometry {
	return trackGeometry(s.tracks[i], orb.Point{s.legs[i].LastLon, s.legs[i].LastLat})
}
func (s legSet) Props(i int) []kv {
	return export.TableProps(export.TableProps(nil, feature.Leg, &s.legs[i]), feature.Provenance, s.source(i))
}
func (legSet) Columns() []string { return legColumns }

// Points returns leg i's line with its times and altitudes.
func (s legSet) Points(i int) []flight.TrackPoint { return s.tracks[i] }

var legColumns = append(feature.Leg.Names(), feature.Provenance.Names()...)

type cellSet []store.CellCount

func (s cellSet) Len() int { return len(s) }
func (s cellSet) AppendFeature(b []byte, i int) []byte {
	return export.AppendTableFeature(b, geo.CellString(s[i].Cell), s.Geometry(i), feature.Cell, &s[i])
}
func (s cellSet) Geometry(i int) orb.Geometry { return geo.CellPolygon(s[i].Cell) }
func (s cellSet) Props(i int) []kv            { return export.TableProps(nil, feature.Cell, &s[i]) }
func (cellSet) Columns() []string             { return feature.Cell.Names() }

// cachedCellSet is a cellSet whose features open with the bytes heads
// keeps.
type cachedCellSet struct {
	cellSet
	heads *cellHeads
}

func (s cachedCellSet) AppendFeature(b []byte, i int) []byte {
	b = s.heads.Append(b, s.cellSet[i].Cell)
	return export.CloseFeature(export.AppendProps(b, feature.Cell, &s.cellSet[i]))
}

func (s *Server) getAircraftList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	bbox, err := parseBBox(first(q, "bbox"))
	if err != nil {
		return err
	}
	list, err := s.deps.Store.AircraftIn(r.Context(), bbox)
	if err != nil {
		return fmt.Errorf("aircraft in %v: %w", bbox, err)
	}
	if w := first(q, "watch"); w == "1" || w == "true" {
		list = slices.DeleteFunc(list, func(a flight.Aircraft) bool { return !a.Watched() })
	}
	return writeFeatures(w, r, aircraftSet(list))
}

// pathHex returns the {hex} path value, lower-cased and checked.
func pathHex(r *http.Request) (string, error) {
	hex := strings.ToLower(r.PathValue("hex"))
	if !flight.ValidHex(hex) {
		return "", errorf(http.StatusBadRequest, "hex %q is not 6 hex digits", r.PathValue("hex"))
	}
	return hex, nil
}

func (s *Server) getAircraft(w http.ResponseWriter, r *http.Request) error {
	hex, err := pathHex(r)
	if err != nil {
		return err
	}
	a, err := s.deps.Store.Aircraft(r.Context(), hex)
	if err != nil {
		if isNotFound(err) {
			return errorf(http.StatusNotFound, "aircraft %s is not tracked", hex)
		}
		return fmt.Errorf("aircraft %s: %w", hex, err)
	}
	w.Header().Set("Content-Type", ctGeoJSON)
	_, err = w.Write(append(appendAircraftFeature(nil, &a), '\n'))
	return err
}

func (s *Server) getTrack(w http.ResponseWriter, r *http.Request) error {
	hex, err := pathHex(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	since, until, err := parseSpan(q)
	if err != nil {
		return err
	}
	pts, err := s.deps.Store.Track(r.Context(), hex, since, until)
	if err != nil {
		return fmt.Errorf("track %s: %w", hex, err)
	}
	tr := feature.Track{Hex: hex, Points: len(pts)}
	ac, err := s.deps.Store.Aircraft(r.Context(), hex)
	switch {
	case err == nil:
		tr.Callsign = ac.Callsign
	case !isNotFound(err):
		return fmt.Errorf("aircraft %s: %w", hex, err)
	case len(pts) == 0:
		return errorf(http.StatusNotFound, "no track for aircraft %s", hex)
	}
	if len(pts) > 0 {
		tr.Start, tr.End = pts[0].Time, pts[len(pts)-1].Time
	}
	set := trackSet{tr: tr, pts: pts}
	if f, err := export.Format(r); err != nil {
		return err
	} else if f == export.KML || f == export.GPX || f == export.FGB || f == export.Parquet || f == export.CSV {
		return writeFeatures(w, r, set)
	}
	// GeoJSON: the track's properties, then the time and altitude of each
	// point (null when unknown)
	var g orb.Geometry
	if len(pts) > 0 {
		g = trackGeometry(pts, nil)
	}
	b := export.OpenFeature(make([]byte, 0, 64+48*len(pts)), hex, g)
	b = export.AppendProps(b, feature.TrackTable, &set.tr)
	b = append(b, `,"times":[`...)
	for i, p := range pts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = p.Time.UTC().AppendFormat(b, time.RFC3339)
		b = append(b, '"')
	}
	b = append(b, `],"alts":[`...)
	for i, p := range pts {
		if i > 0 {
			b = append(b, ',')
		}
		if p.Has&flight.HasAlt != 0 {
			b = flight.AppendFloat(b, p.AltFt, 0)
		} else {
			b = append(b, "null"...)
		}
	}
	b = append(export.CloseFeature(append(b, ']')), '\n')
	w.Header().Set("Content-Type", ctGeoJSON)
	_, err = w.Write(b)
	return err
}

func (s *Server) getFlights(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	since, err := parseTime(q, "since")
	if err != nil {
		return err
	}
	until, err := parseTime(q, "until")
	if err != nil {
		return err
	}
	limit, err := parseInt(q, "limit", defaultLimit, 1, maxLimit)
	if err != nil {
		return err
	}
	lq := store.LegQuery{Status: flight.LegStatus(first(q, "status")), Since: since, Until: until,
		Hex: strings.ToLower(first(q, "hex")), Class: flight.Class(first(q, "class")), Limit: limit}
	switch lq.Status {
	case "", flight.LegTaxi, flight.LegAirborne, flight.LegLanded, flight.LegSignalLost:
	default:
		return errorf(http.StatusBadRequest, "status %q: want taxi, airborne, landed or signal_lost", lq.Status)
	}
	switch lq.Class {
	case "", flight.ClassRemoval, flight.ClassDomestic, flight.ClassReturn, flight.ClassForeign, flight.ClassUnknown:
	default:
		return errorf(http.StatusBadRequest, "class %q: want removal, domestic, return, foreign or unknown", lq.Class)
	}
	filter, err := listFilter(q, feature.Leg.Fields())
	if err != nil {
		return err
	}
	if filter != nil {
		lq.Limit = 0
	}
	legs, err := s.deps.Store.Legs(r.Context(), lq)
	if err != nil {
		return fmt.Errorf("legs: %w", err)
	}
	if filter != nil {
		if legs, err = s.filterLegs(r.Context(), legs, filter, limit); err != nil {
			return err
		}
	}
	tracks, sources, err := feature.LegLines(r.Context(), s.deps.Store, legs)
	if err != nil {
		return err
	}
	return writeFeatures(w, r, legSet{legs: legs, tracks: tracks, sources: sources})
}

func (s *Server) getAlerts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	since, err := parseTime(q, "since")
	if err != nil {
		return err
	}
	limit, err := parseInt(q, "limit", defaultLimit, 1, maxLimit)
	if err != nil {
		return err
	}
	typ := flight.AlertType(first(q, "type"))
	if typ != "" && !slices.Contains(flight.AlertTypes, typ) {
		return errorf(http.StatusBadRequest, "type %q is not an alert type", typ)
	}
	filter, err := listFilter(q, feature.Alert.Fields())
	if err != nil {
		return err
	}
	aq := store.AlertQuery{Since: since, Type: typ, Hex: strings.ToLower(first(q, "hex")), Limit: limit}
	if filter != nil {
		aq.Limit = 0
	}
	alerts, err := s.deps.Store.Alerts(r.Context(), aq)
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	if filter != nil {
		alerts = filterAlerts(alerts, filter, limit)
	}
	return writeFeatures(w, r, alertSet(alerts))
}

func (s *Server) getReports(w http.ResponseWriter, r *http.Request) error {
	if !s.rawAllowed(r) {
		return errorf(http.StatusForbidden, "raw report points need a token with scope read:raw; "+
			"aggregated counts are public at /api/v1/cells")
	}
	q := r.URL.Query()
	bbox, err := parseBBox(first(q, "bbox"))
	if err != nil {
		return err
	}
	since, until, err := parseSpan(q)
	if err != nil {
		return err
	}
	limit, err := parseInt(q, "limit", 0, 0, maxLimit)
	if err != nil {
		return err
	}
	reps, err := s.deps.Store.Reports(r.Context(), store.ReportQuery{BBox: bbox, Since: since, Until: until, Limit: limit})
	if err != nil {
		return fmt.Errorf("reports: %w", err)
	}
	return writeFeatures(w, r, reportSet(reps))
}

func (s *Server) getCells(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if l := first(q, "layer"); l != "" && l != "reports" {
		return errorf(http.StatusBadRequest, "layer %q: only reports", l)
	}
	bbox, err := parseBBox(first(q, "bbox"))
	if err != nil {
		return err
	}
	since, until, err := parseSpan(q)
	if err != nil {
		return err
	}
	res, err := s.cellRes(q)
	if err != nil {
		return err
	}
	cells, err := s.deps.Store.Cells(r.Context(), store.CellQuery{Res: res, BBox: bbox, Since: since, Until: until})
	if err != nil {
		return fmt.Errorf("cells at res %d: %w", res, err)
	}
	return writeFeatures(w, r, cachedCellSet{cellSet(s.passK(cells)), &s.cellHeads})
}

// parseSpan reads the since and until query parameters.
func parseSpan(q map[string][]string) (since, until time.Time, err error) {
	if since, err = parseTime(q, "since"); err != nil {
		return time.Time{}, time.Time{}, err
	}
	if until, err = parseTime(q, "until"); err != nil {
		return time.Time{}, time.Time{}, err
	}
	return since, until, nil
}

// cellRes picks the resolution of a cells query: res when given (it must
// be aggregated), else the aggregated resolution nearest ResForZoom(zoom),
// else the middle one.
func (s *Server) cellRes(q map[string][]string) (int, error) {
	if first(q, "res") != "" {
		res, err := parseInt(q, "res", 0, 0, geo.MaxRes)
		if err != nil {
			return 0, err
		}
		if !slices.Contains(s.cfg.CellRes, res) {
			return 0, errorf(http.StatusBadRequest, "res %d is not aggregated; available: %v", res, s.cfg.CellRes)
		}
		return res, nil
	}
	if z := first(q, "zoom"); z != "" {
		var zoom float64
		if _, err := fmt.Sscan(z, &zoom); err != nil || zoom < 0 || zoom > 24 {
			return 0, errorf(http.StatusBadRequest, "zoom %q: want a number in 0..24", z)
		}
		return nearest(s.cfg.CellRes, geo.ResForZoom(zoom)), nil
	}
	return s.cfg.CellRes[len(s.cfg.CellRes)/2], nil
}

func nearest(list []int, want int) int {
	best := list[0]
	for _, v := range list {
		if math.Abs(float64(v-want)) < math.Abs(float64(best-want)) {
			best = v
		}
	}
	return best
}

// passK drops the cells counting fewer people than MinCellCount.
func (s *Server) passK(cells []store.CellCount) []store.CellCount {
	return slices.DeleteFunc(cells, func(c store.CellCount) bool { return !flight.CellPublished(c.Count, s.cfg.MinCellCount) })
}
