package server

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/feature"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
)

// historyLegLimit bounds the legs one history answer reads.
const historyLegLimit = 5000

// historyFeature is one aircraft where it was at the asked time.
type historyFeature struct {
	Type       string         `json:"type"`
	ID         string         `json:"id"`
	Geometry   pointGeometry  `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

// pointGeometry is a GeoJSON Point.
type pointGeometry struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"`
}

// getHistory answers GET /api/v1/history?at=&bbox=&hex=: every aircraft
// whose stored leg covers the instant at, placed on the leg's line
// interpolated between the points before and after at (alt_ft likewise;
// track and gs_kt from those two points), as a FeatureCollection of
// Points like /api/v1/aircraft with seen = at.
func (s *Server) getHistory(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if first(q, "at") == "" {
		return errorf(http.StatusBadRequest, "at is required: an RFC 3339 time")
	}
	at, err := parseTime(q, "at")
	if err != nil {
		return err
	}
	bbox, err := parseBBox(first(q, "bbox"))
	if err != nil {
		return err
	}
	hex := strings.ToLower(first(q, "hex"))
	if hex != "" && !flight.ValidHex(hex) {
		return errorf(http.StatusBadRequest, "hex %q is not 6 hex digits", hex)
	}
	legs, err := s.deps.Store.Legs(r.Context(), store.LegQuery{Since: at, Until: at.Add(time.Nanosecond), Hex: hex, Limit: historyLegLimit})
	if err != nil {
		return fmt.Errorf("legs: %w", err)
	}
	lines, _, err := feature.LegLines(r.Context(), s.deps.Store, legs)
	if err != nil {
		return err
	}
	feats := historyAt(legs, lines, at, bbox)
	b, err := json.Marshal(struct {
		Type     string           `json:"type"`
		At       string           `json:"at"`
		Features []historyFeature `json:"features"`
	}{"FeatureCollection", at.Format(time.RFC3339Nano), feats})
	if err != nil {
		return fmt.Errorf("encode history: %w", err)
	}
	w.Header().Set("Content-Type", ctGeoJSON)
	_, err = w.Write(append(b, '\n'))
	return err
}

// historyAt places each leg's aircraft at time at on its line; legs whose
// line does not span at, and points outside bbox (zero: everywhere), are
// left out. One feature per aircraft (its latest leg), sorted by hex.
func historyAt(legs []flight.Leg, lines [][]flight.TrackPoint, at time.Time, bbox orb.Bound) []historyFeature {
	byHex := map[string]historyFeature{}
	started := map[string]time.Time{}
	for i := range legs {
		if i >= len(lines) {
			break
		}
		l := &legs[i]
		pt, ok := interpolate(lines[i], at)
		if !ok || !inBound(bbox, pt.p) {
			continue
		}
		if prev, seen := started[l.Hex]; seen && !l.FirstSeen.After(prev) {
			continue
		}
		started[l.Hex] = l.FirstSeen
		onGround := l.Departed.IsZero() || at.Before(l.Departed) || (!l.Arrived.IsZero() && at.After(l.Arrived))
		props := map[string]any{
			"hex": l.Hex, "callsign": nullStr(l.Callsign), "reg": nullStr(l.Reg), "type": nullStr(l.Type),
			"alt_ft": nil, "gs_kt": nil, "track": nil, "on_ground": onGround,
			"seen": at.UTC().Format(time.RFC3339), "leg": l.ID, "leg_start": l.FirstSeen.UTC().Format(time.RFC3339),
			"watch": nullStr(l.Watch), "tags": l.Tags, "leg_status": string(l.Status),
		}
		if l.Tags == nil {
			props["tags"] = []string{}
		}
		if pt.hasAlt {
			props["alt_ft"] = math.Round(pt.alt)
		}
		if pt.hasCourse {
			props["track"] = math.Round(pt.track*10) / 10
			props["gs_kt"] = math.Round(pt.gs)
		}
		byHex[l.Hex] = historyFeature{Type: "Feature", ID: l.Hex, Geometry: pointGeometry{"Point", [2]float64{pt.p[0], pt.p[1]}}, Properties: props}
	}
	out := make([]historyFeature, 0, len(byHex))
	for _, f := range byHex {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// interpolated is a position on a line at one instant.
type interpolated struct {
	p         orb.Point
	alt       float64
	hasAlt    bool
	track, gs float64
	hasCourse bool
}

// interpolate finds the position at time at on line (oldest point first):
// linear in lon/lat and altitude between the points around at. It is not
// ok when at lies outside the line's first and last times.
func interpolate(line []flight.TrackPoint, at time.Time) (interpolated, bool) {
	if len(line) == 0 || at.Before(line[0].Time) || at.After(line[len(line)-1].Time) {
		return interpolated{}, false
	}
	j := sort.Search(len(line), func(i int) bool { return !line[i].Time.Before(at) }) // first point at or after at
	b := line[j]
	a := b
	if j > 0 {
		a = line[j-1]
	}
	f := 0.0
	if span := b.Time.Sub(a.Time); span > 0 {
		f = float64(at.Sub(a.Time)) / float64(span)
	}
	dlon := b.Lon - a.Lon
	if dlon > 180 { // the short way across the antimeridian
		dlon -= 360
	} else if dlon < -180 {
		dlon += 360
	}
	lon := a.Lon + dlon*f
	if lon > 180 {
		lon -= 360
	} else if lon < -180 {
		lon += 360
	}
	out := interpolated{p: orb.Point{lon, a.Lat + (b.Lat-a.Lat)*f}}
	if a.Has&flight.HasAlt != 0 && b.Has&flight.HasAlt != 0 {
		out.alt, out.hasAlt = a.AltFt+(b.AltFt-a.AltFt)*f, true
	} else if f == 0 && a.Has&flight.HasAlt != 0 {
		out.alt, out.hasAlt = a.AltFt, true
	} else if f == 1 && b.Has&flight.HasAlt != 0 {
		out.alt, out.hasAlt = b.AltFt, true
	}
	// Course and speed from the segment around at (the one before it when
	// at falls on a point).
	if j == 0 && len(line) > 1 {
		a, b = line[0], line[1]
	}
	pa, pb := orb.Point{a.Lon, a.Lat}, orb.Point{b.Lon, b.Lat}
	if dt := b.Time.Sub(a.Time).Hours(); dt > 0 && pa != pb {
		out.track = geo.BearingDeg(pa, pb)
		out.gs = geo.DistanceNM(pa, pb) / dt
		out.hasCourse = true
	}
	return out, true
}

// inBound reports whether p lies in b; the zero bound is everywhere and a
// bound whose Min lon exceeds its Max lon crosses the antimeridian.
func inBound(b orb.Bound, p orb.Point) bool {
	if b == (orb.Bound{}) {
		return true
	}
	if p[1] < b.Min[1] || p[1] > b.Max[1] {
		return false
	}
	if b.Min[0] <= b.Max[0] {
		return p[0] >= b.Min[0] && p[0] <= b.Max[0]
	}
	return p[0] >= b.Min[0] || p[0] <= b.Max[0]
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
