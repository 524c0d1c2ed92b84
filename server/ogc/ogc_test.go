package ogc

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestLandingAndConformance(t *testing.T) {
	srv := newServer(t, Config{PublicRawReports: true}, Deps{})
	var land struct{ Links []linkDoc }
	if s := getJSON(t, srv.URL+"/ogc/", &land); s != 200 {
		t.Fatalf("GET / = %d", s)
	}
	for _, rel := range []string{"self", "alternate", "service-desc", "service-doc", "conformance", "data"} {
		l, ok := linkOf(land.Links, rel)
		if !ok {
			t.Errorf("landing page lacks rel %s", rel)
			continue
		}
		if !strings.HasPrefix(l.Href, srv.URL+"/ogc/") {
			t.Errorf("rel %s href %s lacks the /ogc prefix", rel, l.Href)
		}
		if status, _, _ := get(t, l.Href, ""); status != 200 {
			t.Errorf("rel %s href %s = %d", rel, l.Href, status)
		}
	}
	var conf struct{ ConformsTo []string }
	getJSON(t, srv.URL+"/ogc/conformance", &conf)
	for _, c := range []string{"core", "oas30", "html", "geojson"} {
		if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"+c) {
			t.Errorf("conformance lacks %s: %v", c, conf.ConformsTo)
		}
	}
	status, ct, body := get(t, srv.URL+"/ogc/api", "")
	if status != 200 || ct != typeOpenAPI || !strings.Contains(string(body), `"openapi":"3.0.3"`) {
		t.Errorf("GET /api = %d %s %.100s", status, ct, body)
	}
	for _, p := range []string{`"/collections/{collectionId}/items"`, `"bbox"`, `"datetime"`, `"limit"`, `"offset"`, `"featureId"`} {
		if !strings.Contains(string(body), p) {
			t.Errorf("OpenAPI document lacks %s", p)
		}
	}
	// Forwarded headers shape the links.
	req, _ := http.NewRequest("GET", srv.URL+"/ogc/", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	req.Header.Set("X-Forwarded-Host", "maps.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4096)
	n, _ := resp.Body.Read(b)
	resp.Body.Close()
	if !strings.Contains(string(b[:n]), "https://maps.example/ogc/conformance") {
		t.Errorf("forwarded landing page: %.300s", b[:n])
	}
}

func TestCollections(t *testing.T) {
	srv := newServer(t, Config{PublicRawReports: true}, Deps{})
	var doc struct {
		Collections []struct {
			ID     string
			Links  []linkDoc
			CRS    []string
			Extent struct {
				Spatial  struct{ BBox [][4]float64 }
				Temporal *struct{ Interval [][2]*string }
			}
		}
	}
	if s := getJSON(t, srv.URL+"/ogc/collections", &doc); s != 200 {
		t.Fatalf("GET /collections = %d", s)
	}
	var ids []string
	for _, c := range doc.Collections {
		ids = append(ids, c.ID)
		for _, rel := range []string{"self", "alternate", "items", "describedby"} {
			if _, ok := linkOf(c.Links, rel); !ok {
				t.Errorf("collection %s lacks rel %s", c.ID, rel)
			}
		}
		if len(c.CRS) == 0 || len(c.Extent.Spatial.BBox) != 1 {
			t.Errorf("collection %s: crs %v, bbox %v", c.ID, c.CRS, c.Extent.Spatial.BBox)
		}
	}
	sort.Strings(ids)
	want := []string{"aircraft", "alerts", "flights", "report-cells", "reports", "routes", "stats-month", "stats-week", "tracks"}
	if !slices.Equal(ids, want) {
		t.Errorf("collections = %v, want %v", ids, want)
	}
	for _, c := range doc.Collections {
		if c.ID == "aircraft" {
			bb := c.Extent.Spatial.BBox[0]
			if bb != [4]float64{-100, 25, -80.29, 29.5} {
				t.Errorf("aircraft bbox = %v", bb)
			}
			if c.Extent.Temporal == nil || *c.Extent.Temporal.Interval[0][0] != "2025-01-24T15:00:00Z" {
				t.Errorf("aircraft temporal extent = %+v", c.Extent.Temporal)
			}
		}
	}
	if s, _, _ := get(t, srv.URL+"/ogc/collections/nope", ""); s != 404 {
		t.Errorf("unknown collection = %d, want 404", s)
	}
	if s, ct, _ := get(t, srv.URL+"/ogc/collections/flights/schema", ""); s != 200 || ct != typeSchema {
		t.Errorf("schema = %d %s", s, ct)
	}
}

// TestItemCounts checks numberMatched against the store for every
// collection, and that following next links reaches every item once.
func TestItemCounts(t *testing.T) {
	srv := newServer(t, Config{PublicRawReports: true}, Deps{})
	for id, want := range wantCounts {
		t.Run(id, func(t *testing.T) {
			next := srv.URL + "/ogc/collections/" + id + "/items?limit=1"
			seen := map[string]bool{}
			for pages := 0; next != ""; pages++ {
				if pages > want+1 {
					t.Fatal("next links do not end")
				}
				var doc itemsDoc
				if s := getJSON(t, next, &doc); s != 200 {
					t.Fatalf("GET %s = %d", next, s)
				}
				// A page the store cut (flights, alerts) may leave
				// numberMatched out while a next page follows.
				_, hasNext := linkOf(doc.Links, "next")
				counted := doc.NumberMatched != nil || hasNext
				if !counted || doc.NumberReturned != len(doc.Features) || doc.TimeStamp == "" {
					t.Errorf("numberMatched %v (want %d), numberReturned %d for %d features", doc.NumberMatched, want, doc.NumberReturned, len(doc.Features))
				}
				if doc.NumberMatched != nil && *doc.NumberMatched != want {
					t.Errorf("numberMatched %d, want %d", *doc.NumberMatched, want)
				}
				for _, f := range doc.Features {
					if seen[f.ID] {
						t.Errorf("feature %s seen twice", f.ID)
					}
					seen[f.ID] = true
				}
				l, ok := linkOf(doc.Links, "next")
				next = ""
				if ok {
					next = l.Href
				}
			}
			if len(seen) != want {
				t.Errorf("paging reached %d features, want %d", len(seen), want)
			}
		})
	}
}

func TestItemsQuery(t *testing.T) {
	srv := newServer(t, Config{PublicRawReports: true, DefaultLimit: 2, MaxLimit: 3}, Deps{})
	items := func(coll, q string) (int, itemsDoc) {
		var doc itemsDoc
		s := getJSON(t, srv.URL+"/ogc/collections/"+coll+"/items?"+q, &doc)
		return s, doc
	}
	tests := []struct {
		name, coll, q string
		status        int
		matched       int
		returned      int
	}{
		{"default limit", "aircraft", "", 200, 3, 2},
		{"limit clamped", "aircraft", "limit=50", 200, 3, 3},
		{"offset", "aircraft", "offset=2", 200, 3, 1},
		{"offset past end", "aircraft", "offset=9", 200, 3, 0},
		{"bbox", "aircraft", "bbox=-101,24,-99,26", 200, 1, 1},
		{"bbox 6 numbers", "aircraft", "bbox=-101,24,0,-99,26,100", 200, 1, 1},
		{"bbox across antimeridian", "aircraft", "bbox=170,-10,-170,10", 200, 0, 0},
		{"bbox lines", "tracks", "bbox=-102,25,-100,27", 200, 1, 1},
		{"datetime instant", "alerts", "datetime=2025-01-24T14:00:00Z", 200, 1, 1},
		{"datetime interval", "alerts", "datetime=2025-01-24T13:00:00Z/2025-01-24T15:00:00Z", 200, 1, 1},
		{"datetime open start", "reports", "datetime=../2025-01-22T00:00:00Z&limit=3", 200, 1, 1},
		{"datetime open end", "reports", "datetime=2025-01-23T00:30:00Z/..&limit=3", 200, 1, 1},
		{"datetime date", "reports", "datetime=2025-01-23&limit=3", 200, 4, 3},
		{"datetime both open", "flights", "datetime=../..", 200, 2, 2},
		{"datetime flights overlap", "flights", "datetime=2025-01-24T16:30:00Z", 200, 1, 1},
		{"routes without departure drop out", "routes", "datetime=2025-01-24", 200, 1, 1},
		{"cells res", "report-cells", "res=3", 200, 2, 2},
		{"bad bbox count", "aircraft", "bbox=1,2,3", 400, 0, 0},
		{"bad bbox number", "aircraft", "bbox=a,2,3,4", 400, 0, 0},
		{"bad bbox lat", "aircraft", "bbox=0,50,10,40", 400, 0, 0},
		{"bad datetime", "aircraft", "datetime=yesterday", 400, 0, 0},
		{"bad interval", "aircraft", "datetime=2025-01-24T00:00:00Z/2025-01-23T00:00:00Z", 400, 0, 0},
		{"bad limit", "aircraft", "limit=0", 400, 0, 0},
		{"bad offset", "aircraft", "offset=-1", 400, 0, 0},
		{"unknown param", "aircraft", "color=red", 400, 0, 0},
		{"bad f", "aircraft", "f=xml", 400, 0, 0},
		{"res not aggregated", "report-cells", "res=4", 400, 0, 0},
		{"unknown collection", "nope", "", 404, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, doc := items(tt.coll, tt.q)
			if s != tt.status {
				t.Fatalf("items(%s, %s) = %d, want %d", tt.coll, tt.q, s, tt.status)
			}
			if s == 200 && (doc.NumberMatched == nil || *doc.NumberMatched != tt.matched || doc.NumberReturned != tt.returned) {
				t.Errorf("items(%s, %s) matched %v returned %d, want %d %d", tt.coll, tt.q, doc.NumberMatched, doc.NumberReturned, tt.matched, tt.returned)
			}
		})
	}
	// next and prev keep the filter and page size.
	_, doc := items("aircraft", "limit=1&offset=1&bbox=-180,-90,180,90")
	next, ok1 := linkOf(doc.Links, "next")
	prev, ok2 := linkOf(doc.Links, "prev")
	if !ok1 || !ok2 {
		t.Fatalf("links %v lack next/prev", doc.Links)
	}
	u, _ := url.Parse(next.Href)
	if u.Query().Get("offset") != "2" || u.Query().Get("bbox") == "" || u.Query().Get("limit") != "1" {
		t.Errorf("next = %s", next.Href)
	}
	if u, _ := url.Parse(prev.Href); u.Query().Get("offset") != "" {
		t.Errorf("prev = %s, want offset 0 (omitted)", prev.Href)
	}
}

func TestItemAndNegotiation(t *testing.T) {
	srv := newServer(t, Config{PublicRawReports: true}, Deps{})
	base := srv.URL + "/ogc/collections/"
	tests := []struct {
		name, url, accept string
		status            int
		ctype             string
		contains          string
	}{
		{"feature", base + "aircraft/items/ae1234", "", 200, typeGeoJSON, `"callsign":"RCH821"`},
		{"feature links", base + "aircraft/items/ae1234", "", 200, typeGeoJSON, `"rel":"collection"`},
		{"unknown feature", base + "aircraft/items/ffffff", "", 404, typeJSON, `"error"`},
		{"cell feature", base + "report-cells/items/" + firstCell(t, srv), "", 200, typeGeoJSON, `"Polygon"`},
		{"route", base + "routes/items/cbp-1", "", 200, typeGeoJSON, `"MultiLineString"`},
		{"route unknown airport", base + "routes/items/cbp-3", "", 200, typeGeoJSON, `"geometry":null`},
		{"flight", base + "flights/items/ae5678-1737730800", "", 200, typeGeoJSON, `"actual_destination":"KIAH"`},
		{"items default geojson", base + "alerts/items", "", 200, typeGeoJSON, `"FeatureCollection"`},
		{"items accept html", base + "alerts/items", "text/html,application/xhtml+xml,*/*;q=0.8", 200, "text/html; charset=utf-8", "<table>"},
		{"items accept json", base + "alerts/items", "application/geo+json", 200, typeGeoJSON, `"numberMatched"`},
		{"items f=html beats accept", base + "alerts/items?f=html", "application/json", 200, "text/html; charset=utf-8", "departed KBIF"},
		{"items f=json beats accept", base + "alerts/items?f=json", "text/html", 200, typeGeoJSON, `"FeatureCollection"`},
		{"landing html", srv.URL + "/ogc/?f=html", "", 200, "text/html; charset=utf-8", "service-desc"},
		{"collections html", srv.URL + "/ogc/collections", "text/html", 200, "text/html; charset=utf-8", "report-cells"},
		{"api html", srv.URL + "/ogc/api?f=html", "", 200, "text/html; charset=utf-8", "/collections/{collectionId}/items"},
		{"no such path", srv.URL + "/ogc/nothing", "", 404, typeJSON, `"error"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ct, body := get(t, tt.url, tt.accept)
			if s != tt.status || ct != tt.ctype || !strings.Contains(string(body), tt.contains) {
				t.Errorf("GET %s = %d %q %.300s; want %d %q containing %q", tt.url, s, ct, body, tt.status, tt.ctype, tt.contains)
			}
		})
	}
}

func firstCell(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	var doc itemsDoc
	getJSON(t, srv.URL+"/ogc/collections/report-cells/items", &doc)
	if len(doc.Features) == 0 {
		t.Fatal("no report cells")
	}
	return doc.Features[0].ID
}

func TestRawReportsAccess(t *testing.T) {
	st := loadStore(t)
	allow := func(r *http.Request, scope string) bool {
		return scope == ScopeRaw && r.Header.Get("Authorization") == "Bearer raw"
	}
	srv := newServer(t, Config{}, Deps{Store: st, Authorize: allow})
	if s, _, body := get(t, srv.URL+"/ogc/collections/reports/items", ""); s != http.StatusOK ||
		!strings.Contains(string(body), `"numberMatched":0`) || !strings.Contains(string(body), `"restricted":"raw report points need the read:raw scope`) {
		t.Errorf("raw reports without scope = %d %s, want 200 with no features and the restriction", s, body)
	}
	if s, _, _ := get(t, srv.URL+"/ogc/collections/reports/items/newark", ""); s != http.StatusForbidden {
		t.Errorf("raw report without scope = %d, want 403", s)
	}
	_, _, body := get(t, srv.URL+"/ogc/collections/reports", "")
	if !strings.Contains(string(body), "restricted") {
		t.Errorf("restricted collection description: %s", body)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/ogc/collections/reports/items", nil)
	req.Header.Set("Authorization", "Bearer raw")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("raw reports with scope = %d, want 200", resp.StatusCode)
	}
	// Cells stay public; the privacy threshold withholds small cells.
	var doc itemsDoc
	getJSON(t, srv.URL+"/ogc/collections/report-cells/items", &doc)
	if doc.NumberMatched == nil || *doc.NumberMatched != 2 {
		t.Errorf("cells with k=3: %v, want 2", doc.NumberMatched)
	}
	srv2 := newServer(t, Config{MinCellCount: 1}, Deps{Store: st})
	getJSON(t, srv2.URL+"/ogc/collections/report-cells/items", &doc)
	if doc.NumberMatched == nil || *doc.NumberMatched != 4 {
		t.Errorf("cells with k=1: %v, want 4", doc.NumberMatched)
	}
}
