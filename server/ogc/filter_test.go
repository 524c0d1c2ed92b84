package ogc

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// filterCases are items requests with filters and the ids they answer,
// in order. They run against every backend.
var filterCases = []struct {
	name, coll, query string
	want              []string
}{
	{"cql2 equality", "flights", "filter=class = 'removal'", []string{"ae1234-1737727200"}},
	{"property parameter", "flights", "class=domestic", []string{"ae5678-1737730800"}},
	{"two property parameters", "flights", "class=removal&hex=ae1234", []string{"ae1234-1737727200"}},
	{"repeated parameter is any of", "flights", "class=removal&class=domestic", []string{"ae5678-1737730800", "ae1234-1737727200"}},
	{"no match", "flights", "class=removal&hex=ae5678", []string{}},
	{"newest first", "flights", "filter=TRUE", []string{"ae5678-1737730800", "ae1234-1737727200"}},
	{"in", "flights", "filter=status IN ('landed', 'taxi')", []string{"ae5678-1737730800"}},
	{"is null", "flights", "filter=arrived IS NULL", []string{"ae1234-1737727200"}},
	{"like", "flights", "filter=callsign LIKE 'RCH8%'", []string{"ae1234-1737727200"}},
	{"casei", "flights", "filter=CASEI(origin) = 'kbif'", []string{"ae1234-1737727200"}},
	{"not", "flights", "filter=NOT (class = 'removal')", []string{"ae5678-1737730800"}},
	{"prediction", "flights", "filter=predicted_destination = 'MGGT' AND predicted_confidence > 0.5", []string{"ae1234-1737727200"}},
	{"number", "flights", "filter=duration >= 7200", []string{"ae5678-1737730800", "ae1234-1737727200"}},
	{"spatial bbox", "flights", "filter=S_INTERSECTS(geometry, BBOX(-107, 31, -105, 32.5))", []string{"ae1234-1737727200"}},
	{"spatial polygon", "flights", "filter=S_INTERSECTS(geometry, POLYGON((-118 32, -116 32, -116 34, -118 34, -118 32)))", []string{"ae5678-1737730800"}},
	{"spatial and bbox parameter", "flights", "filter=class <> 'x'&bbox=-118,32,-116,34", []string{"ae5678-1737730800"}},
	{"temporal", "flights", "filter=T_INTERSECTS(departed, INTERVAL('2025-01-24T14:30:00Z', '..'))", []string{"ae5678-1737730800"}},
	{"spatial and temporal", "flights", "filter=class = 'domestic' AND S_INTERSECTS(geometry, BBOX(-120, 25, -90, 35)) AND " +
		"T_DURING(arrived, INTERVAL('2025-01-24T00:00:00Z', '2025-01-25T00:00:00Z'))", []string{"ae5678-1737730800"}},
	{"spatial and temporal, none", "flights", "filter=S_INTERSECTS(geometry, BBOX(-107, 31, -105, 32.5)) AND " +
		"T_AFTER(departed, TIMESTAMP('2025-01-24T14:30:00Z'))", []string{}},
	{"time bounds", "flights", "filter=last_seen >= TIMESTAMP('2025-01-24T16:30:00Z')", []string{"ae5678-1737730800"}},
	{"datetime and filter", "flights", "datetime=2025-01-24T14:10:00Z&filter=hex LIKE 'ae%'", []string{"ae1234-1737727200"}},
	{"cql2-json", "flights", `filter-lang=cql2-json&filter={"op":"and","args":[{"op":"=","args":[{"property":"class"},"domestic"]},` +
		`{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[-120,25,-90,35]}]},` +
		`{"op":"t_intersects","args":[{"property":"departed"},{"interval":["2025-01-24T14:30:00Z",".."]}]}]}`, []string{"ae5678-1737730800"}},
	{"older cql-text name", "flights", "filter-lang=cql-text&filter=class = 'removal'", []string{"ae1234-1737727200"}},
	{"alerts type parameter", "alerts", "type=diverted", []string{"ae5678/diverted"}},
	{"alerts filter", "alerts", "filter=type = 'departed'", []string{"ae1234/departed"}},
	{"alerts time bound", "alerts", "filter=time >= TIMESTAMP('2025-01-24T15:00:00Z')", []string{"ae5678/diverted"}},
	{"alerts t_intersects", "alerts", "filter=T_INTERSECTS(time, INTERVAL('2025-01-24T13:00:00Z', '2025-01-24T14:30:00Z'))", []string{"ae1234/departed"}},
	{"alerts spatial", "alerts", "filter=S_INTERSECTS(geometry, BBOX(-96, 29, -95, 31))", []string{"ae5678/diverted"}},
	{"aircraft", "aircraft", "filter=alt_ft > 10000 AND callsign LIKE 'RCH%'", []string{"ae1234", "ae5678"}},
	{"aircraft hex", "aircraft", "hex=a00001", []string{"a00001"}},
	{"aircraft null callsign", "aircraft", "filter=callsign IS NULL", []string{"a00001"}},
	{"aircraft point", "aircraft", "filter=S_INTERSECTS(geometry, POINT(-100 25))", []string{"ae1234"}},
	{"aircraft boolean", "aircraft", "military=false&phase=cruise&filter=seen < TIMESTAMP('2025-01-24T16:30:00Z')", []string{"a00001", "ae1234"}},
	{"reports", "reports", "filter=count >= 2 AND category = 'criminal'", []string{"chicago-1", "chicago-2"}},
	{"reports between", "reports", "filter=count BETWEEN 1 AND 2&bbox=-90,40,-80,45", []string{"chicago-1", "chicago-2"}},
	{"routes", "routes", "destination=MGGT", []string{"cbp-1"}},
	{"routes disjoint", "routes", "filter=S_DISJOINT(geometry, BBOX(-180, -90, 180, 10))", []string{"cbp-1"}},
	{"tracks", "tracks", "filter=points = 5 AND start < TIMESTAMP('2025-01-24T14:30:00Z')", []string{"ae1234"}},
	{"report cells", "report-cells", "filter=count > 3 AND res = 5", []string{"852664cffffffff"}},
}

func runFilterCases(t *testing.T, srv string) {
	for _, tt := range filterCases {
		t.Run(tt.name, func(t *testing.T) {
			u := srv + "/ogc/collections/" + tt.coll + "/items?" + encodeQuery(tt.query)
			var doc itemsDoc
			if s := getJSON(t, u, &doc); s != 200 {
				_, _, b := get(t, u, "")
				t.Fatalf("GET %s = %d: %s", u, s, b)
			}
			ids := make([]string, 0, len(doc.Features))
			for _, f := range doc.Features {
				ids = append(ids, f.ID)
			}
			if tt.coll == "alerts" {
				// alert ids are assigned by the store; compare their causes
				for i, f := range doc.Features {
					ids[i] = f.Properties["hex"].(string) + "/" + f.Properties["type"].(string)
				}
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("got %v, want %v", ids, tt.want)
			}
			if doc.NumberMatched != nil && *doc.NumberMatched != len(tt.want) {
				t.Errorf("numberMatched %d, want %d", *doc.NumberMatched, len(tt.want))
			}
		})
	}
}

// encodeQuery percent-encodes a readable query string (a=b&c=d).
func encodeQuery(q string) string {
	v := url.Values{}
	for _, kv := range strings.Split(q, "&") {
		k, val, _ := strings.Cut(kv, "=")
		v.Add(k, val)
	}
	return v.Encode()
}

func TestFilterMemory(t *testing.T) {
	srv := newServer(t, Config{PublicRawReports: true, MinCellCount: 1}, Deps{})
	runFilterCases(t, srv.URL)
}

func TestFilterErrors(t *testing.T) {
	srv := newServer(t, Config{}, Deps{})
	tests := []struct{ coll, query, want string }{
		{"flights", "filter=class = ", "ogc: filter: at 9: expected a property or a value, found end of filter"},
		{"flights", "filter=class = 'removal' AND", "ogc: filter: at 22: expected a property or a value"},
		{"flights", "filter=clas = 'removal'", "ogc: filter: at 1: unknown property \"clas\" (queryables: actual_destination,"},
		{"flights", "filter=duration = 'long'", "ogc: filter: at 1: cannot compare number with string"},
		{"flights", "filter=S_WITHIN(geometry, BBOX(0,0,1,1))", "ogc: filter: at 1: function S_WITHIN is not supported"},
		{"flights", `filter-lang=cql2-json&filter={"op":"=","args":[{"property":"class"}]}`, "ogc: filter: at $: op \"=\" takes 2 arguments"},
		{"flights", "filter-lang=xml&filter=a", "ogc: filter-lang \"xml\" is not supported"},
		{"flights", "class=bogus", "ogc: class \"bogus\": want one of removal, domestic, return, foreign, unknown"},
		{"flights", "duration=long", "ogc: duration \"long\" must be a number"},
		{"flights", "nope=1", "ogc: unknown parameter \"nope\""},
		{"flights", "crs=EPSG:9999", "ogc: crs \"EPSG:9999\" is not supported"},
		{"flights", "bbox-crs=EPSG:1&bbox=0,0,1,1", "ogc: bbox-crs \"EPSG:1\" is not supported"},
		{"flights", "bbox-crs=EPSG:4326&bbox=100,0,101,1", "ogc: bbox \"100,0,101,1\": latitudes must satisfy"},
		{"flights", "filter-crs=EPSG:2&filter=TRUE", "ogc: filter-crs \"EPSG:2\" is not supported"},
		{"alerts", "filter=type = 'departed' OR", "ogc: filter: at 21: expected a property or a value, found end of filter"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			s, ct, b := get(t, srv.URL+"/ogc/collections/"+tt.coll+"/items?"+encodeQuery(tt.query), "")
			var e struct {
				Error string `json:"error"`
			}
			_ = json.Unmarshal(b, &e)
			if s != http.StatusBadRequest || ct != typeJSON || !strings.HasPrefix(e.Error, tt.want) {
				t.Errorf("status %d %s: %s\nwant 400 with %q", s, ct, b, tt.want)
			}
		})
	}
}

func TestQueryables(t *testing.T) {
	srv := newServer(t, Config{}, Deps{})
	for id := range wantCounts {
		t.Run(id, func(t *testing.T) {
			u := srv.URL + "/ogc/collections/" + id + "/queryables"
			s, ct, _ := get(t, u, "")
			if s != 200 || ct != typeSchema {
				t.Fatalf("GET %s = %d %s", u, s, ct)
			}
			var doc struct {
				Type       string                    `json:"type"`
				ID         string                    `json:"$id"`
				Properties map[string]map[string]any `json:"properties"`
			}
			getJSON(t, u, &doc)
			if doc.Type != "object" || doc.ID != u || doc.Properties["geometry"]["x-ogc-role"] != "primary-geometry" {
				t.Errorf("queryables document: %+v", doc)
			}
			c := (&api{}).collections()
			for _, cc := range c {
				if cc.id != id {
					continue
				}
				for _, f := range cc.fields {
					p, ok := doc.Properties[f.name]
					if !ok || p["type"] != f.typ {
						t.Errorf("queryable %s: %v, want type %s", f.name, p, f.typ)
					}
				}
				if len(doc.Properties) != len(cc.fields)+1 {
					t.Errorf("%d queryables, want %d", len(doc.Properties), len(cc.fields)+1)
				}
			}
		})
	}
	var doc struct {
		Properties map[string]map[string]any `json:"properties"`
	}
	getJSON(t, srv.URL+"/ogc/collections/flights/queryables", &doc)
	for _, name := range []string{"class", "predicted_destination", "predicted_confidence", "predicted_basis", "departed", "status"} {
		if _, ok := doc.Properties[name]; !ok {
			t.Errorf("flights queryables lack %s", name)
		}
	}
	if doc.Properties["departed"]["format"] != "date-time" {
		t.Errorf("departed: %v", doc.Properties["departed"])
	}
	if s, _, _ := get(t, srv.URL+"/ogc/collections/nope/queryables", ""); s != 404 {
		t.Errorf("queryables of an unknown collection: %d", s)
	}
	if s, ct, b := get(t, srv.URL+"/ogc/collections/flights/queryables?f=html", ""); s != 200 || !strings.HasPrefix(ct, typeHTML) || !strings.Contains(string(b), "predicted_destination") {
		t.Errorf("html queryables: %d %s", s, ct)
	}
}

func TestConformanceAndCollectionCRS(t *testing.T) {
	srv := newServer(t, Config{}, Deps{})
	var conf struct {
		ConformsTo []string `json:"conformsTo"`
	}
	getJSON(t, srv.URL+"/ogc/conformance", &conf)
	for _, c := range []string{"ogcapi-features-2/1.0/conf/crs", "ogcapi-features-3/1.0/conf/queryables", "ogcapi-features-3/1.0/conf/filter",
		"ogcapi-features-3/1.0/conf/features-filter", "ogcapi-features-3/1.0/conf/queryables-query-parameters",
		"cql2/1.0/conf/cql2-text", "cql2/1.0/conf/cql2-json", "cql2/1.0/conf/basic-cql2", "cql2/1.0/conf/advanced-comparison-operators",
		"cql2/1.0/conf/basic-spatial-functions", "cql2/1.0/conf/temporal-functions"} {
		if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/"+c) {
			t.Errorf("conformance lacks %s", c)
		}
	}
	var coll struct {
		CRS        []string  `json:"crs"`
		StorageCRS string    `json:"storageCrs"`
		Links      []linkDoc `json:"links"`
	}
	getJSON(t, srv.URL+"/ogc/collections/flights", &coll)
	if !slices.Equal(coll.CRS, []string{crs84, uriEPSG4326, uriEPSG3857}) || coll.StorageCRS != crs84 {
		t.Errorf("collection crs %v storage %s", coll.CRS, coll.StorageCRS)
	}
	if l, ok := linkOf(coll.Links, "http://www.opengis.net/def/rel/ogc/1.0/queryables"); !ok || !strings.HasSuffix(l.Href, "/collections/flights/queryables") {
		t.Errorf("no queryables link: %v", coll.Links)
	}
}

func TestCRS(t *testing.T) {
	srv := newServer(t, Config{}, Deps{})
	base := srv.URL + "/ogc/collections/aircraft/items"
	point := func(t *testing.T, q string) ([2]float64, string) {
		t.Helper()
		resp, err := http.Get(base + "?" + encodeQuery(q))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var fc geojson.FeatureCollection
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", q, resp.StatusCode)
		}
		if err := jsonDecode(resp.Body, &fc); err != nil {
			t.Fatal(err)
		}
		if len(fc.Features) != 1 {
			t.Fatalf("%s: %d features, want 1", q, len(fc.Features))
		}
		c := fc.Features[0].Geometry.Bound().Min
		return [2]float64{c[0], c[1]}, resp.Header.Get("Content-Crs")
	}
	near := func(a, b [2]float64, tol float64) bool { return math.Abs(a[0]-b[0]) < tol && math.Abs(a[1]-b[1]) < tol }
	tests := []struct {
		name, q string
		want    [2]float64
		tol     float64
		crs     string
	}{
		{"default CRS84", "hex=ae1234", [2]float64{-100, 25}, 1e-9, crs84},
		{"EPSG:4326 is lat,lon", "hex=ae1234&crs=" + uriEPSG4326, [2]float64{25, -100}, 1e-9, uriEPSG4326},
		{"EPSG:3857", "hex=ae1234&crs=EPSG:3857", [2]float64{-11131949.079, 2875744.624}, 0.01, uriEPSG3857},
		{"bbox-crs EPSG:4326", "bbox=24.5,-100.5,25.5,-99.5&bbox-crs=" + uriEPSG4326, [2]float64{-100, 25}, 1e-9, crs84},
		{"bbox-crs EPSG:3857", "bbox=-11200000,2800000,-11100000,2900000&bbox-crs=" + uriEPSG3857 + "&crs=" + uriEPSG3857,
			[2]float64{-11131949.079, 2875744.624}, 0.01, uriEPSG3857},
		{"filter-crs EPSG:3857", "filter=S_INTERSECTS(geometry, BBOX(-11200000, 2800000, -11100000, 2900000))&filter-crs=EPSG:3857",
			[2]float64{-100, 25}, 1e-9, crs84},
		{"filter-crs EPSG:4326", "filter=S_INTERSECTS(geometry, POINT(25 -100))&filter-crs=" + uriEPSG4326, [2]float64{-100, 25}, 1e-9, crs84},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, crs := point(t, tt.q)
			if !near(got, tt.want, tt.tol) || crs != "<"+tt.crs+">" {
				t.Errorf("got %v Content-Crs %s, want %v <%s>", got, crs, tt.want, tt.crs)
			}
		})
	}
	// one item in EPSG:3857
	resp, err := http.Get(base + "/ae1234?crs=EPSG:3857")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Crs") != "<"+uriEPSG3857+">" {
		t.Errorf("item crs: %d %s", resp.StatusCode, resp.Header.Get("Content-Crs"))
	}
}

// spyStore records the leg and alert queries and counts track reads.
type spyStore struct {
	store.Store
	mu     sync.Mutex
	legs   []store.LegQuery
	alerts []store.AlertQuery
	tracks int
}

func (s *spyStore) Legs(ctx context.Context, q store.LegQuery) ([]flight.Leg, error) {
	s.mu.Lock()
	s.legs = append(s.legs, q)
	s.mu.Unlock()
	return s.Store.Legs(ctx, q)
}

func (s *spyStore) Alerts(ctx context.Context, q store.AlertQuery) ([]flight.Alert, error) {
	s.mu.Lock()
	s.alerts = append(s.alerts, q)
	s.mu.Unlock()
	return s.Store.Alerts(ctx, q)
}

func (s *spyStore) Track(ctx context.Context, hex string, since, until time.Time) ([]flight.TrackPoint, error) {
	s.mu.Lock()
	s.tracks++
	s.mu.Unlock()
	return s.Store.Track(ctx, hex, since, until)
}

func (s *spyStore) reset() {
	s.mu.Lock()
	s.legs, s.alerts, s.tracks = nil, nil, 0
	s.mu.Unlock()
}

func TestPushdown(t *testing.T) {
	spy := &spyStore{Store: loadStore(t)}
	srv := newServer(t, Config{}, Deps{Store: spy})
	at := func(s string) time.Time { tm, _ := time.Parse(time.RFC3339, s); return tm }
	tests := []struct {
		name, coll, query string
		legs              []store.LegQuery
		alerts            []store.AlertQuery
		tracks            int
		chunk             int // candidates read first; 0: the default
	}{
		{"candidates in growing chunks until the page is full", "flights", "filter=callsign LIKE 'RCH8%'&limit=1",
			[]store.LegQuery{{Limit: 1}, {Offset: 1, Limit: 4}}, nil, 1, 1},
		{"class and paging", "flights", "filter=class = 'removal'&limit=1",
			[]store.LegQuery{{Class: flight.ClassRemoval, Limit: 2}}, nil, 1, 0},
		{"parameters, time bounds and offset", "flights", "hex=ae5678&status=landed&filter=last_seen >= TIMESTAMP('2025-01-24T15:00:00Z')&offset=0&limit=5",
			[]store.LegQuery{{Hex: "ae5678", Status: flight.LegLanded, Since: at("2025-01-24T15:00:00Z"), Limit: 6}}, nil, 1, 0},
		{"datetime", "flights", "datetime=2025-01-24T14:00:00Z/2025-01-24T15:00:00Z&offset=1&limit=1",
			[]store.LegQuery{{Since: at("2025-01-24T14:00:00Z"), Until: at("2025-01-24T15:00:00Z").Add(time.Nanosecond), Offset: 1, Limit: 2}}, nil, 1, 0},
		{"a residual filter reads candidates, lines only for the page", "flights", "class=removal&filter=callsign LIKE 'RCH%'",
			[]store.LegQuery{{Class: flight.ClassRemoval, Limit: 1000}}, nil, 1, 0},
		{"a spatial filter needs the lines", "flights", "filter=S_INTERSECTS(geometry, BBOX(-180,-90,180,90))&limit=1",
			[]store.LegQuery{{Limit: 1000}}, nil, 2, 0},
		{"alerts", "alerts", "type=diverted&filter=time < TIMESTAMP('2025-02-01T00:00:00Z')&limit=3",
			nil, []store.AlertQuery{{Type: flight.AlertDiverted, Until: at("2025-02-01T00:00:00Z"), Limit: 4}}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spy.reset()
			if tt.chunk > 0 {
				defer func(n int) { firstChunk = n }(firstChunk)
				firstChunk = tt.chunk
			}
			var doc itemsDoc
			if s := getJSON(t, srv.URL+"/ogc/collections/"+tt.coll+"/items?"+encodeQuery(tt.query), &doc); s != 200 {
				t.Fatalf("status %d", s)
			}
			spy.mu.Lock()
			defer spy.mu.Unlock()
			if !slices.Equal(spy.legs, tt.legs) || !slices.Equal(spy.alerts, tt.alerts) || spy.tracks != tt.tracks {
				t.Errorf("store saw legs %+v alerts %+v tracks %d\nwant legs %+v alerts %+v tracks %d",
					spy.legs, spy.alerts, spy.tracks, tt.legs, tt.alerts, tt.tracks)
			}
		})
	}
}

// FuzzItemsQuery feeds arbitrary query strings to the items parameter
// parser of every collection: an error or a query, never a panic.
func FuzzItemsQuery(f *testing.F) {
	for _, s := range []string{"filter=class%20%3D%20%27removal%27", "bbox=1,2,3,4&bbox-crs=EPSG:3857", "crs=EPSG:4326&datetime=2025-01-01/..",
		"class=removal&class=domestic&limit=5&offset=2", "filter-lang=cql2-json&filter=%7B%22op%22%3A%22%3D%22%7D", "alt_ft=1e3&on_ground=true&seen=2025-01-01T00:00:00Z"} {
		f.Add(s)
	}
	a := &api{cfg: Config{}.withDefaults()}
	colls := a.collections()
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, c := range colls {
			q, err := a.parseQuery(c, v)
			if err != nil {
				continue
			}
			if q.limit < 1 || q.offset < 0 || q.crs == nil {
				t.Fatalf("bad query %+v from %q", q, raw)
			}
			f := feat{id: "x", vals: map[string]any{}}
			q.matches(&f, c.temporal)
		}
	})
}
