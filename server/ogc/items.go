package ogc

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/flightwatch/flightwatch/geo"
)

// query is the parsed filter of an items request.
type query struct {
	bbox       orb.Bound // empty: everywhere; Min lon > Max lon crosses the antimeridian
	hasBBox    bool
	start, end time.Time // datetime: zero ends are open
	hasTime    bool
	res        int // report-cells resolution; 0: default
	limit      int
	offset     int
}

// itemParams are the query parameters items accepts; others are errors.
var itemParams = map[string]bool{"f": true, "limit": true, "offset": true, "bbox": true, "datetime": true, "res": true}

// parseQuery reads the items parameters; the error is the 400 message.
func (a *api) parseQuery(v url.Values) (query, error) {
	q := query{limit: a.cfg.DefaultLimit}
	for k := range v {
		if !itemParams[k] {
			return q, fmt.Errorf("unknown parameter %q (allowed: bbox, datetime, limit, offset, res, f)", k)
		}
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return q, fmt.Errorf("limit %q must be a whole number >= 1", s)
		}
		q.limit = min(n, a.cfg.MaxLimit)
	}
	if s := v.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return q, fmt.Errorf("offset %q must be a whole number >= 0", s)
		}
		q.offset = n
	}
	if s := v.Get("res"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > geo.MaxRes {
			return q, fmt.Errorf("res %q must be an H3 resolution 0-15", s)
		}
		q.res = n
	}
	if s := v.Get("bbox"); s != "" {
		b, err := parseBBox(s)
		if err != nil {
			return q, err
		}
		q.bbox, q.hasBBox = b, true
	}
	if s := v.Get("datetime"); s != "" {
		start, end, err := parseDatetime(s)
		if err != nil {
			return q, err
		}
		q.start, q.end, q.hasTime = start, end, true
	}
	return q, nil
}

// parseBBox reads minLon,minLat,maxLon,maxLat (or the 6-number 3D form,
// whose heights are ignored). minLon > maxLon crosses the antimeridian.
func parseBBox(s string) (orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return orb.Bound{}, fmt.Errorf("bbox %q must have 4 (or 6) numbers", s)
	}
	n := make([]float64, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return orb.Bound{}, fmt.Errorf("bbox %q: %q is not a number", s, p)
		}
		n[i] = f
	}
	if len(n) == 6 {
		n = []float64{n[0], n[1], n[3], n[4]}
	}
	b := orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}
	switch {
	case b.Min[1] < -90 || b.Max[1] > 90 || b.Min[1] > b.Max[1]:
		return orb.Bound{}, fmt.Errorf("bbox %q: latitudes must satisfy -90 <= minLat <= maxLat <= 90", s)
	case b.Min[0] < -180 || b.Min[0] > 180 || b.Max[0] < -180 || b.Max[0] > 180:
		return orb.Bound{}, fmt.Errorf("bbox %q: longitudes must lie in -180..180", s)
	}
	return b, nil
}

// parseDatetime reads an instant or an interval start/end whose ends may be
// open (".." or empty). Instants are RFC 3339 date-times or dates (a date
// stands for its whole UTC day).
func parseDatetime(s string) (start, end time.Time, err error) {
	bad := func() (time.Time, time.Time, error) {
		return time.Time{}, time.Time{}, fmt.Errorf("datetime %q must be an RFC 3339 instant or an interval start/end with .. for an open end", s)
	}
	parts := strings.Split(s, "/")
	switch len(parts) {
	case 1:
		t0, t1, ok := parseInstant(parts[0])
		if !ok {
			return bad()
		}
		return t0, t1, nil
	case 2:
		if open(parts[0]) && open(parts[1]) {
			return time.Time{}, time.Time{}, nil
		}
		if !open(parts[0]) {
			t0, _, ok := parseInstant(parts[0])
			if !ok {
				return bad()
			}
			start = t0
		}
		if !open(parts[1]) {
			_, t1, ok := parseInstant(parts[1])
			if !ok {
				return bad()
			}
			end = t1
		}
		if !start.IsZero() && !end.IsZero() && end.Before(start) {
			return time.Time{}, time.Time{}, fmt.Errorf("datetime %q: end before start", s)
		}
		return start, end, nil
	}
	return bad()
}

func open(s string) bool { return s == "" || s == ".." }

// parseInstant returns the span an instant stands for: one moment, or a
// whole day for a date.
func parseInstant(s string) (time.Time, time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), t.UTC(), true
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, t.Add(24*time.Hour - time.Nanosecond), true
	}
	return time.Time{}, time.Time{}, false
}

// matches filters a feature exactly by bbox and datetime.
func (q *query) matches(f *feat, temporal bool) bool {
	if q.hasBBox {
		if f.geom == nil || !intersects(q.bbox, f.geom.Bound()) {
			return false
		}
	}
	if q.hasTime && temporal {
		if f.t0.IsZero() {
			return false
		}
		if !q.start.IsZero() && f.t1.Before(q.start) {
			return false
		}
		if !q.end.IsZero() && f.t0.After(q.end) {
			return false
		}
	}
	return true
}

// intersects reports whether a query bbox (possibly crossing the
// antimeridian) meets a feature's bound.
func intersects(q, b orb.Bound) bool {
	if q.Min[0] > q.Max[0] {
		west := orb.Bound{Min: q.Min, Max: orb.Point{180, q.Max[1]}}
		east := orb.Bound{Min: orb.Point{-180, q.Min[1]}, Max: q.Max}
		return west.Intersects(b) || east.Intersects(b)
	}
	return q.Intersects(b)
}

// features loads and filters a collection's features, in a stable order.
func (a *api) features(r *http.Request, c *collection, q query) ([]feat, error) {
	all, err := c.load(r.Context(), q)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for i := range all {
		if q.matches(&all[i], c.temporal) {
			out = append(out, all[i])
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out, nil
}

// featureCollection is the GeoJSON items response.
type featureCollection struct {
	Type           string             `json:"type"`
	Features       []*geojson.Feature `json:"features"`
	Links          []Link             `json:"links"`
	TimeStamp      string             `json:"timeStamp"`
	NumberMatched  int                `json:"numberMatched"`
	NumberReturned int                `json:"numberReturned"`
	// Restricted says why a collection's items are withheld from this
	// reader (a GeoJSON foreign member; empty when they are not).
	Restricted string `json:"restricted,omitempty"`
}

// restrictedNote is what a reader without the read:raw scope is told.
const restrictedNote = "raw report points need the read:raw scope; the report-cells collection has the aggregated counts"

func encodeFeature(f *feat) *geojson.Feature {
	return &geojson.Feature{Type: "Feature", ID: f.id, Geometry: f.geom, Properties: geojson.Properties(f.props)}
}

func (a *api) items(w http.ResponseWriter, r *http.Request) {
	c, ok := a.lookup(w, r)
	if !ok {
		return
	}
	html, ok := negotiate(w, r)
	if !ok {
		return
	}
	v := r.URL.Query()
	q, err := a.parseQuery(v)
	if err != nil {
		writeError(w, http.StatusBadRequest, "ogc: "+err.Error())
		return
	}
	// A reader without the scope gets an empty page that says why, so
	// that GIS clients listing every collection open this one cleanly.
	restricted := c.restricted && !a.rawAllowed(r)
	var all []feat
	if !restricted {
		if all, err = a.features(r, c, q); err != nil {
			a.storeError(w, r, err)
			return
		}
	}
	page := all[min(q.offset, len(all)):min(q.offset+q.limit, len(all))]

	self := a.base(r) + "/collections/" + url.PathEscape(c.id) + "/items"
	link := func(rel, typ, f string, offset int) Link {
		u := url.Values{}
		for k, vs := range v {
			u[k] = vs
		}
		u.Set("f", f)
		u.Set("limit", strconv.Itoa(q.limit))
		u.Set("offset", strconv.Itoa(offset))
		if offset == 0 {
			u.Del("offset")
		}
		return Link{Href: self + "?" + u.Encode(), Rel: rel, Type: typ}
	}
	var links []Link
	if html {
		links = []Link{link("self", typeHTML, "html", q.offset), link("alternate", typeGeoJSON, "json", q.offset)}
	} else {
		links = []Link{link("self", typeGeoJSON, "json", q.offset), link("alternate", typeHTML, "html", q.offset)}
	}
	f, typ := "json", typeGeoJSON
	if html {
		f, typ = "html", typeHTML
	}
	if q.offset+len(page) < len(all) {
		links = append(links, link("next", typ, f, q.offset+q.limit))
	}
	if q.offset > 0 {
		links = append(links, link("prev", typ, f, max(0, q.offset-q.limit)))
	}
	links = append(links, Link{Href: a.base(r) + "/collections/" + url.PathEscape(c.id), Rel: "collection", Type: typeJSON, Title: c.title})

	if html {
		p := pageOf(c, page, links)
		p.Description = fmt.Sprintf("%d of %d features, from %d.", len(page), len(all), q.offset+1)
		if restricted {
			p.Description = "No features shown: " + restrictedNote + "."
		}
		a.writeHTML(w, p)
		return
	}
	fc := featureCollection{Type: "FeatureCollection", Features: make([]*geojson.Feature, len(page)), Links: links,
		TimeStamp: time.Now().UTC().Format(time.RFC3339), NumberMatched: len(all), NumberReturned: len(page)}
	if restricted {
		fc.Restricted = restrictedNote
	}
	for i := range page {
		fc.Features[i] = encodeFeature(&page[i])
	}
	writeJSON(w, http.StatusOK, typeGeoJSON, fc)
}

func (a *api) item(w http.ResponseWriter, r *http.Request) {
	c, ok := a.lookup(w, r)
	if !ok {
		return
	}
	html, ok := negotiate(w, r)
	if !ok {
		return
	}
	for k := range r.URL.Query() {
		if k != "f" && k != "res" {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("ogc: unknown parameter %q", k))
			return
		}
	}
	if c.restricted && !a.rawAllowed(r) {
		writeError(w, http.StatusForbidden, "ogc: raw reports need the read:raw scope")
		return
	}
	fid := r.PathValue("fid")
	q := query{}
	if c.id == "report-cells" {
		// A cell id names its resolution.
		if cell := geo.ParseCell(fid); cell != 0 {
			q.res = geo.CellRes(cell)
		}
	}
	all, err := a.features(r, c, q)
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	i := sort.Search(len(all), func(i int) bool { return all[i].id >= fid })
	if i == len(all) || all[i].id != fid {
		writeError(w, http.StatusNotFound, fmt.Sprintf("ogc: no feature %q in %s", fid, c.id))
		return
	}
	b := a.base(r) + "/collections/" + url.PathEscape(c.id)
	links := append(selfLinks(b+"/items/"+url.PathEscape(fid), typeGeoJSON, html, "This feature"),
		Link{Href: b, Rel: "collection", Type: typeJSON, Title: c.title})
	if html {
		a.writeHTML(w, pageOf(c, all[i:i+1], links))
		return
	}
	gf := encodeFeature(&all[i])
	body, err := json.Marshal(gf)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "ogc: encode feature")
		return
	}
	// Add links to the encoded feature.
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	m["links"] = links
	writeJSON(w, http.StatusOK, typeGeoJSON, m)
}

// extentOf computes a collection's spatial and temporal extent from its data.
func (a *api) extentOf(r *http.Request, c *collection) (extent, error) {
	world := [4]float64{-180, -90, 180, 90}
	ext := extent{Spatial: spatialExtent{BBox: [][4]float64{world}, CRS: crs84}}
	if c.temporal {
		ext.Temporal = &temporalExtent{Interval: [][2]*string{{nil, nil}}, TRS: "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
	}
	if c.restricted && !a.rawAllowed(r) {
		return ext, nil
	}
	all, err := c.load(r.Context(), query{})
	if err != nil {
		return ext, err
	}
	var b orb.Bound
	var t0, t1 time.Time
	n := 0
	for _, f := range all {
		if f.geom != nil {
			if n == 0 {
				b = f.geom.Bound()
			} else {
				b = b.Union(f.geom.Bound())
			}
			n++
		}
		if !f.t0.IsZero() && (t0.IsZero() || f.t0.Before(t0)) {
			t0 = f.t0
		}
		if !f.t1.IsZero() && f.t1.After(t1) {
			t1 = f.t1
		}
	}
	if n > 0 {
		ext.Spatial.BBox[0] = [4]float64{max(b.Min[0], -180), max(b.Min[1], -90), min(b.Max[0], 180), min(b.Max[1], 90)}
	}
	if c.temporal && !t0.IsZero() {
		s0, s1 := t0.UTC().Format(time.RFC3339), t1.UTC().Format(time.RFC3339)
		ext.Temporal.Interval[0] = [2]*string{&s0, &s1}
	}
	return ext, nil
}
