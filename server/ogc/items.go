package ogc

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"golang.org/x/sync/errgroup"

	"github.com/flightwatch/flightwatch/cql2"
	"github.com/flightwatch/flightwatch/feature"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/server/httperr"
)

// query is the parsed filter of an items request.
type query struct {
	bbox       orb.Bound // CRS84; empty: everywhere; Min lon > Max lon crosses the antimeridian
	hasBBox    bool
	start, end time.Time // datetime: zero ends are open
	hasTime    bool
	res        int // report-cells resolution; 0: default
	limit      int
	offset     int
	filter     cql2.Expr   // filter and property parameters; nil: none
	conj       []cql2.Expr // the top-level conjuncts of filter
	spatial    bool        // filter has a spatial function
	crs        *crsDef     // of the response
}

// reserved are the query parameters items accepts besides property names.
var reserved = map[string]bool{"f": true, "limit": true, "offset": true, "bbox": true, "bbox-crs": true,
	"datetime": true, "res": true, "filter": true, "filter-lang": true, "filter-crs": true, "crs": true}

// needGeometry reports whether filtering needs the features' geometries.
func (q *query) needGeometry() bool { return q.hasBBox || q.spatial }

// storeBBox is the bbox to hand the store: empty when there is none.
func (q *query) storeBBox() orb.Bound {
	if q.hasBBox {
		return q.bbox
	}
	return orb.Bound{}
}

// matches filters a feature exactly by bbox, datetime and filter.
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
	return cql2.Eval(q.filter, f)
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

// pageResult is one page of a collection's features. matched is the
// number of all matches, -1 when the store paged and did not count them.
type pageResult struct {
	feats   []feat
	matched int
	more    bool
}

// features answers an items request: the page at q.offset, completed
// for output.
func (a *api) features(r *http.Request, c *collection, q *query) (pageResult, error) {
	res, err := c.load(r.Context(), q)
	if err != nil {
		return pageResult{}, err
	}
	var p pageResult
	if res.paged {
		p.feats, p.matched = res.feats, res.total
		if len(p.feats) > q.limit {
			p.feats, p.more = p.feats[:q.limit], true
		} else if p.matched < 0 && (q.offset == 0 || len(p.feats) > 0) {
			p.matched = q.offset + len(p.feats)
		}
	} else {
		all := res.feats[:0]
		for i := range res.feats {
			if q.matches(&res.feats[i], c.temporal) {
				all = append(all, res.feats[i])
			}
		}
		if !c.ordered {
			sort.SliceStable(all, func(i, j int) bool { return all[i].id < all[j].id })
		}
		p.matched = len(all)
		p.feats = all[min(q.offset, len(all)):min(q.offset+q.limit, len(all))]
		p.more = q.offset+len(p.feats) < len(all)
	}
	if c.fill != nil {
		// the page's lines are read a few at a time (one round trip each
		// on Redis)
		g, ctx := errgroup.WithContext(r.Context())
		g.SetLimit(fillers)
		for i := range p.feats {
			g.Go(func() error { return c.fill(ctx, &p.feats[i]) })
		}
		if err := g.Wait(); err != nil {
			return pageResult{}, err
		}
	}
	return p, nil
}

// fillers is how many features of a page are completed at once.
const fillers = 8

// featureCollection is the GeoJSON items response.
type featureCollection struct {
	Type           string             `json:"type"`
	Features       []*geojson.Feature `json:"features"`
	Links          []Link             `json:"links"`
	TimeStamp      string             `json:"timeStamp"`
	NumberMatched  *int               `json:"numberMatched,omitempty"`
	NumberReturned int                `json:"numberReturned"`
	// CRS names a projected CRS the old GeoJSON way, so that a saved
	// page opens in the right place in GIS tools (a foreign member;
	// absent for CRS84 and EPSG:4326).
	CRS *namedCRS `json:"crs,omitempty"`
	// Restricted says why a collection's items are withheld from this
	// reader (a GeoJSON foreign member; empty when they are not).
	Restricted string `json:"restricted,omitempty"`
}

// namedCRS is the crs member of GeoJSON before RFC 7946.
type namedCRS struct {
	Type       string            `json:"type"`
	Properties map[string]string `json:"properties"`
}

// legacyCRS returns the crs member for a projected CRS, nil otherwise.
func legacyCRS(crs *crsDef) *namedCRS {
	if crs.uri != uriEPSG3857 {
		return nil
	}
	return &namedCRS{Type: "name", Properties: map[string]string{"name": "urn:ogc:def:crs:EPSG::3857"}}
}

// restrictedNote is what a reader without the read:raw scope is told.
const restrictedNote = "raw report points need the read:raw scope; the report-cells collection has the aggregated counts"

// encodeFeature encodes a feature with its geometry in crs; every
// property is present, null when unknown.
func encodeFeature(c *collection, f *feat, crs *crsDef) *geojson.Feature {
	props := make(geojson.Properties, len(c.fields))
	for _, fl := range c.fields {
		props[fl.name] = feature.JSONValue(f.vals[fl.name])
	}
	g := f.geom
	if crs != nil && crs != crsList[0] {
		g = project(g, crs.from)
	}
	return &geojson.Feature{Type: "Feature", ID: f.id, Geometry: g, Properties: props}
}

// contentCRS sets the Content-Crs header (OGC API - Features Part 2).
func contentCRS(w http.ResponseWriter, crs *crsDef) {
	w.Header().Set("Content-Crs", "<"+crs.uri+">")
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
	q, err := a.parseQuery(c, v)
	if err != nil {
		httperr.Write(w, http.StatusBadRequest, "ogc: "+err.Error())
		return
	}
	// A reader without the scope gets an empty page that says why, so
	// that GIS clients listing every collection open this one cleanly.
	restricted := c.restricted && !a.rawAllowed(r)
	var pg pageResult
	if !restricted {
		if pg, err = a.features(r, c, &q); err != nil {
			a.storeError(w, r, err)
			return
		}
	}
	page := pg.feats

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
	if pg.more {
		links = append(links, link("next", typ, f, q.offset+q.limit))
	}
	if q.offset > 0 {
		links = append(links, link("prev", typ, f, max(0, q.offset-q.limit)))
	}
	links = append(links, Link{Href: a.base(r) + "/collections/" + url.PathEscape(c.id), Rel: "collection", Type: typeJSON, Title: c.title})

	if html {
		p := pageOf(c, page, links)
		p.Description = fmt.Sprintf("%d features, from %d.", len(page), q.offset+1)
		if pg.matched >= 0 {
			p.Description = fmt.Sprintf("%d of %d features, from %d.", len(page), pg.matched, q.offset+1)
		}
		if restricted {
			p.Description = "No features shown: " + restrictedNote + "."
		}
		a.writeHTML(w, p)
		return
	}
	fc := featureCollection{Type: "FeatureCollection", Features: make([]*geojson.Feature, len(page)), Links: links,
		TimeStamp: time.Now().UTC().Format(time.RFC3339), NumberReturned: len(page)}
	if pg.matched >= 0 || restricted {
		n := max(pg.matched, 0)
		fc.NumberMatched = &n
	}
	if restricted {
		fc.Restricted = restrictedNote
	}
	fc.CRS = legacyCRS(q.crs)
	for i := range page {
		fc.Features[i] = encodeFeature(c, &page[i], q.crs)
	}
	contentCRS(w, q.crs)
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
	q := query{crs: crsList[0]}
	for k, vs := range r.URL.Query() {
		switch k {
		case "f", "res":
		case "crs":
			crs, err := parseCRS("crs", vs[0])
			if err != nil {
				httperr.Write(w, http.StatusBadRequest, "ogc: "+err.Error())
				return
			}
			q.crs = crs
		default:
			httperr.Write(w, http.StatusBadRequest, fmt.Sprintf("ogc: unknown parameter %q", k))
			return
		}
	}
	if c.restricted && !a.rawAllowed(r) {
		httperr.Write(w, http.StatusForbidden, "ogc: raw reports need the read:raw scope")
		return
	}
	fid := r.PathValue("fid")
	if c.id == "report-cells" {
		// A cell id names its resolution.
		if cell := geo.ParseCell(fid); cell != 0 {
			q.res = geo.CellRes(cell)
		}
	}
	found, err := a.findOne(r, c, fid, &q)
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	if found == nil {
		httperr.Write(w, http.StatusNotFound, fmt.Sprintf("ogc: no feature %q in %s", fid, c.id))
		return
	}
	b := a.base(r) + "/collections/" + url.PathEscape(c.id)
	links := append(selfLinks(b+"/items/"+url.PathEscape(fid), typeGeoJSON, html, "This feature"),
		Link{Href: b, Rel: "collection", Type: typeJSON, Title: c.title})
	if html {
		a.writeHTML(w, pageOf(c, []feat{*found}, links))
		return
	}
	gf := encodeFeature(c, found, q.crs)
	body, err := json.Marshal(gf)
	if err != nil {
		httperr.Write(w, http.StatusInternalServerError, "ogc: encode feature")
		return
	}
	// Add links to the encoded feature.
	var m map[string]any
	_ = json.Unmarshal(body, &m)
	m["links"] = links
	contentCRS(w, q.crs)
	writeJSON(w, http.StatusOK, typeGeoJSON, m)
}

// findOne returns the feature with id fid, or nil.
func (a *api) findOne(r *http.Request, c *collection, fid string, q *query) (*feat, error) {
	if c.find != nil {
		return c.find(r.Context(), fid, q)
	}
	res, err := c.load(r.Context(), q)
	if err != nil {
		return nil, err
	}
	for i := range res.feats {
		if res.feats[i].id == fid {
			f := &res.feats[i]
			if c.fill != nil {
				if err := c.fill(r.Context(), f); err != nil {
					return nil, err
				}
			}
			return f, nil
		}
	}
	return nil, nil
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
	if c.id == "flights" {
		return a.flightExtent(r, ext)
	}
	res, err := c.load(r.Context(), &query{limit: a.cfg.MaxLimit})
	if err != nil {
		return ext, err
	}
	var b orb.Bound
	var t0, t1 time.Time
	n := 0
	for _, f := range res.feats {
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
