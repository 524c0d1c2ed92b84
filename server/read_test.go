package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
	"github.com/paulmach/orb/geojson"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/server/export"
)

func TestAircraftRead(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	now := time.Now().Add(-time.Minute)
	postObs(t, in,
		obsLine("ae0001", 31.85, -106.38, now, `,"callsign":"RCH821","squawk":"1234"`),
		obsLine("ae0002", 40.7, -74.0, now, ""),
		obsLine("ae0003", 51.5, -0.1, now, ""),
		obsLine("ae0001", 31.9, -106.3, now.Add(10*time.Second), `,"callsign":"RCH821"`),
	)
	tests := []struct {
		name, query string
		want        []string
		code        int
	}{
		{"everywhere", "", []string{"ae0001", "ae0002", "ae0003"}, 200},
		{"north america", "?bbox=-130,20,-60,50", []string{"ae0001", "ae0002"}, 200},
		{"texas", "?bbox=-107,31,-105,33", []string{"ae0001"}, 200},
		{"empty ocean", "?bbox=-40,-40,-30,-30", nil, 200},
		{"antimeridian", "?bbox=170,-10,-170,10", nil, 200},
		{"bad bbox", "?bbox=1,2,3", nil, 400},
		{"bbox out of range", "?bbox=-200,0,0,10", nil, 400},
		{"bbox not numbers", "?bbox=a,b,c,d", nil, 400},
		{"watched only", "?watch=1", nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, hdr, b := do(t, "GET", in.url+"/api/v1/aircraft"+tt.query, "", "", nil)
			if code != tt.code {
				t.Fatalf("GET = %d %s, want %d", code, b, tt.code)
			}
			if code != 200 {
				return
			}
			if ct := hdr.Get("Content-Type"); ct != ctGeoJSON {
				t.Errorf("Content-Type = %q, want %s", ct, ctGeoJSON)
			}
			got := ids(featureCollection(t, b))
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("ids = %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("one", func(t *testing.T) {
		code, _, b := do(t, "GET", in.url+"/api/v1/aircraft/AE0001", "", "", nil)
		if code != 200 {
			t.Fatalf("GET = %d %s", code, b)
		}
		f, err := geojson.UnmarshalFeature(b)
		if err != nil {
			t.Fatalf("not a Feature: %v", err)
		}
		if f.ID != "ae0001" || f.Properties["callsign"] != "RCH821" || f.Properties["alt_ft"] != 12000.0 ||
			f.Properties["seen"] != now.Add(10*time.Second).UTC().Format(time.RFC3339) {
			t.Errorf("feature = %+v %v", f.ID, f.Properties)
		}
		if p := f.Geometry.GeoJSONType(); p != "Point" {
			t.Errorf("geometry %s, want Point", p)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		code, _, b := do(t, "GET", in.url+"/api/v1/aircraft/abcdef", "", "", nil)
		if code != 404 || !bytes.Contains(b, []byte(`"error"`)) {
			t.Errorf("GET unknown = %d %s, want 404 JSON", code, b)
		}
	})
	t.Run("track", func(t *testing.T) {
		code, _, b := do(t, "GET", in.url+"/api/v1/aircraft/ae0001/track", "", "", nil)
		if code != 200 {
			t.Fatalf("GET track = %d %s", code, b)
		}
		f, err := geojson.UnmarshalFeature(b)
		if err != nil {
			t.Fatalf("not a Feature: %v %s", err, b)
		}
		if f.Geometry.GeoJSONType() != "LineString" {
			t.Fatalf("track geometry %s, want LineString", f.Geometry.GeoJSONType())
		}
		times, _ := f.Properties["times"].([]any)
		alts, _ := f.Properties["alts"].([]any)
		if len(times) != 2 || len(alts) != 2 {
			t.Errorf("times %v alts %v, want 2 each", times, alts)
		}
		since := now.Add(5 * time.Second).UTC().Format(time.RFC3339)
		code, _, b = do(t, "GET", in.url+"/api/v1/aircraft/ae0001/track?since="+since, "", "", nil)
		f, err = geojson.UnmarshalFeature(b)
		if code != 200 || err != nil || f.Geometry.GeoJSONType() != "Point" {
			t.Errorf("track since = %d %s, want one Point", code, b)
		}
	})
}

func TestExports(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	now := time.Now().Add(-time.Minute)
	postObs(t, in, obsLine("ae0001", 31.85, -106.38, now, `,"callsign":"RCH821"`), obsLine("ae0002", 40.7, -74.0, now, ""))
	tests := []struct {
		name, query, accept, ctype string
	}{
		{"seq by accept", "", export.TypeGeoJSONSeq, export.TypeGeoJSONSeq},
		{"seq by f", "?f=geojsonseq", "", export.TypeGeoJSONSeq},
		{"csv by accept", "", "text/csv", "text/csv; charset=utf-8"},
		{"csv by f", "?f=csv", "", "text/csv; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, hdr, b := do(t, "GET", in.url+"/api/v1/aircraft"+tt.query, "", "", nil, "Accept", tt.accept)
			if code != 200 || hdr.Get("Content-Type") != tt.ctype {
				t.Fatalf("GET = %d %q, want 200 %q", code, hdr.Get("Content-Type"), tt.ctype)
			}
			if strings.HasPrefix(tt.ctype, export.TypeGeoJSONSeq) {
				recs := bytes.Split(b, []byte{0x1e})
				if len(recs) != 3 || len(recs[0]) != 0 {
					t.Fatalf("%d records, want 2 after a leading RS: %q", len(recs)-1, b)
				}
				for _, r := range recs[1:] {
					if !bytes.HasSuffix(r, []byte("\n")) {
						t.Errorf("record %q does not end with LF", r)
					}
					if _, err := geojson.UnmarshalFeature(r); err != nil {
						t.Errorf("record %q: %v", r, err)
					}
				}
				return
			}
			rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			if err != nil {
				t.Fatalf("csv: %v", err)
			}
			if len(rows) != 3 || rows[0][0] != "wkt" || rows[0][1] != "hex" {
				t.Fatalf("rows = %v, want header wkt,hex... and 2 rows", rows)
			}
			for _, r := range rows[1:] {
				if !strings.HasPrefix(r[0], "POINT(") && !strings.HasPrefix(r[0], "POINT (") {
					t.Errorf("wkt %q, want POINT", r[0])
				}
				if len(r) != len(rows[0]) {
					t.Errorf("row %v has %d cells, header %d", r, len(r), len(rows[0]))
				}
			}
		})
	}
	code, _, _ := do(t, "GET", in.url+"/api/v1/aircraft?f=shp", "", "", nil)
	if code != 400 {
		t.Errorf("f=shp = %d, want 400", code)
	}
}

func TestAlertsFlightsReportsCells(t *testing.T) {
	in := startServer(t, Config{MinCellCount: 3}, nil, nil)
	t0 := seed(t, in)
	t.Run("alerts", func(t *testing.T) {
		for _, tt := range []struct {
			query string
			n     int
			code  int
		}{{"", 2, 200}, {"?type=landed", 1, 200}, {"?limit=1", 1, 200}, {"?type=bogus", 0, 400},
			{"?since=" + t0.Add(time.Minute).Format(time.RFC3339), 1, 200}, {"?since=yesterday", 0, 400}} {
			code, _, b := do(t, "GET", in.url+"/api/v1/alerts"+tt.query, "", "", nil)
			if code != tt.code {
				t.Fatalf("GET alerts%s = %d %s, want %d", tt.query, code, b, tt.code)
			}
			if code == 200 {
				fc := featureCollection(t, b)
				if len(fc.Features) != tt.n {
					t.Errorf("alerts%s: %d features, want %d", tt.query, len(fc.Features), tt.n)
				}
				for _, f := range fc.Features {
					for _, k := range []string{"id", "type", "time", "message", "hex"} {
						if _, ok := f.Properties[k]; !ok {
							t.Errorf("alert lacks %s: %v", k, f.Properties)
						}
					}
				}
			}
		}
	})
	t.Run("flights", func(t *testing.T) {
		code, _, b := do(t, "GET", in.url+"/api/v1/flights?status=landed", "", "", nil)
		if code != 200 {
			t.Fatalf("GET flights = %d %s", code, b)
		}
		fc := featureCollection(t, b)
		if len(fc.Features) != 1 {
			t.Fatalf("%d flights, want 1", len(fc.Features))
		}
		f := fc.Features[0]
		if ls, ok := f.Geometry.(orb.LineString); !ok || len(ls) != 3 {
			t.Errorf("flight geometry %v, want a LineString of the 3 track points", f.Geometry)
		}
		if f.Properties["duration"] != 10800.0 || f.Properties["actual_destination"] != "MGGT" {
			t.Errorf("properties %v", f.Properties)
		}
		code, _, _ = do(t, "GET", in.url+"/api/v1/flights?status=flying", "", "", nil)
		if code != 400 {
			t.Errorf("bad status = %d, want 400", code)
		}
	})
	t.Run("reports", func(t *testing.T) {
		code, _, b := do(t, "GET", in.url+"/api/v1/reports", "", "", nil)
		if code != http.StatusForbidden || !bytes.Contains(b, []byte("read:raw")) {
			t.Errorf("reports without token = %d %s, want 403 naming read:raw", code, b)
		}
		code, _, b = do(t, "GET", in.url+"/api/v1/reports?bbox=-80,35,-70,45", rawToken, "", nil)
		if code != 200 {
			t.Fatalf("reports = %d %s", code, b)
		}
		if got := ids(featureCollection(t, b)); !slices.Equal(got, []string{"r1"}) {
			t.Errorf("reports in bbox = %v, want [r1]", got)
		}
	})
	t.Run("cells", func(t *testing.T) {
		code, _, b := do(t, "GET", in.url+"/api/v1/cells?layer=reports&res=5", "", "", nil)
		if code != 200 {
			t.Fatalf("cells = %d %s", code, b)
		}
		fc := featureCollection(t, b)
		if len(fc.Features) != 1 {
			t.Fatalf("%d cells, want 1 (the cell of 1 person is below k)", len(fc.Features))
		}
		f := fc.Features[0]
		want := geo.CellString(geo.Cell(40.73, -74.17, 5))
		if f.ID != want || f.Properties["h3"] != want || f.Properties["count"] != 5.0 || f.Properties["res"] != 5.0 {
			t.Errorf("cell %v %v, want id %s count 5", f.ID, f.Properties, want)
		}
		if f.Geometry.GeoJSONType() != "Polygon" {
			t.Errorf("cell geometry %s, want Polygon", f.Geometry.GeoJSONType())
		}
		for _, q := range []string{"?res=4", "?layer=aircraft", "?zoom=x"} {
			if code, _, b := do(t, "GET", in.url+"/api/v1/cells"+q, "", "", nil); code != 400 {
				t.Errorf("cells%s = %d %s, want 400", q, code, b)
			}
		}
		if code, _, b := do(t, "GET", in.url+"/api/v1/cells?zoom=8&f=csv", "", "", nil); code != 200 || !bytes.HasPrefix(b, []byte("wkt,h3,res,count")) {
			t.Errorf("cells by zoom as csv = %d %s", code, b)
		}
	})
}

func TestPlansAndRoutes(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	events, err := in.bus.Subscribe(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	plan := `{"id":"cbp-1","origin":"KBIF","destination":"MGGT","hex":"AE1234","callsign":"rch821","departure":"2025-01-24T14:00:00Z"}`
	tests := []struct {
		name, token, body string
		want              int
	}{
		{"no token", "", plan, 401},
		{"raw token", rawToken, plan, 403},
		{"unknown airport", ingestToken, `{"id":"x","origin":"ZZZZ","destination":"MGGT"}`, 400},
		{"missing destination", ingestToken, `{"id":"x","origin":"KBIF"}`, 400},
		{"not json", ingestToken, `{`, 400},
		{"good", ingestToken, plan, 201},
		{"pacific", ingestToken, `{"id":"pac","origin":"PHNL","destination":"RJTT"}`, 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, b := do(t, "POST", in.url+"/api/v1/plans", tt.token, "application/json", []byte(tt.body))
			if code != tt.want {
				t.Fatalf("POST plan = %d %s, want %d", code, b, tt.want)
			}
		})
	}
	select {
	case e := <-events:
		if e.Kind != "plans" {
			t.Errorf("event %v, want plans", e.Kind)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no plans event published")
	}
	code, _, b := do(t, "GET", in.url+"/api/v1/plans", "", "", nil)
	var plans []flight.Plan
	if code != 200 || json.Unmarshal(b, &plans) != nil || len(plans) != 2 || plans[0].Hex != "ae1234" {
		t.Fatalf("GET plans = %d %s", code, b)
	}
	code, _, b = do(t, "GET", in.url+"/api/v1/routes", "", "", nil)
	if code != 200 {
		t.Fatalf("GET routes = %d %s", code, b)
	}
	fc := featureCollection(t, b)
	if len(fc.Features) != 2 {
		t.Fatalf("%d routes, want 2", len(fc.Features))
	}
	for _, f := range fc.Features {
		if d, _ := f.Properties["distance_km"].(float64); d < 1000 {
			t.Errorf("route %v distance %v", f.ID, f.Properties["distance_km"])
		}
		if gt := f.Geometry.GeoJSONType(); gt != "LineString" && gt != "MultiLineString" {
			t.Errorf("route geometry %s", gt)
		}
	}
	if code, _, _ := do(t, "DELETE", in.url+"/api/v1/plans/cbp-1", "", "", nil); code != 401 {
		t.Errorf("DELETE without token = %d, want 401", code)
	}
	if code, _, _ := do(t, "DELETE", in.url+"/api/v1/plans/cbp-1", ingestToken, "", nil); code != 204 {
		t.Errorf("DELETE = %d, want 204", code)
	}
	if code, _, _ := do(t, "DELETE", in.url+"/api/v1/plans/cbp-1", ingestToken, "", nil); code != 404 {
		t.Errorf("DELETE again = %d, want 404", code)
	}
}

func TestOpsEndpoints(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	postObs(t, in, obsLine("ae0001", 31.85, -106.38, time.Now(), ""))
	for _, tt := range []struct {
		path string
		code int
		has  string
	}{
		{"/healthz", 200, "ok"},
		{"/readyz", 200, "ready"},
		{"/api/v1/feeds", 200, "[]"},
		{"/api/v1/nothing", 404, `"error"`},
		{"/metrics", 200, `flightwatch_ingest_records_total{kind="positions",result="accepted"} 1`},
	} {
		t.Run(tt.path, func(t *testing.T) {
			code, _, b := do(t, "GET", in.url+tt.path, "", "", nil)
			if code != tt.code || !bytes.Contains(b, []byte(tt.has)) {
				t.Errorf("GET %s = %d %.200s, want %d with %q", tt.path, code, b, tt.code, tt.has)
			}
		})
	}
	_, _, b := do(t, "GET", in.url+"/metrics", "", "", nil)
	if !bytes.Contains(b, []byte(`flightwatch_http_requests_total{code="202",route="POST /api/v1/positions"} 1`)) {
		t.Errorf("metrics lack the request count:\n%s", b)
	}
}

// seed stores two alerts, a landed leg with its track, and two reports.
func seed(t *testing.T, in *instance) time.Time {
	t.Helper()
	ctx := context.Background()
	t0 := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	for i, a := range []flight.Alert{
		{Key: "k1", Type: flight.AlertDeparted, Time: t0, Hex: "ae0001", Message: "departed KBIF", Origin: "KBIF", Lat: 31.8, Lon: -106.4},
		{Key: "k2", Type: flight.AlertLanded, Time: t0.Add(time.Hour), Hex: "ae0001", Message: "landed MGGT", Lat: 14.6, Lon: -90.5},
	} {
		if _, err := in.st.AddAlert(ctx, &a); err != nil {
			t.Fatalf("AddAlert %d: %v", i, err)
		}
	}
	leg := flight.Leg{ID: "ae0001-1", Hex: "ae0001", Status: flight.LegLanded, Origin: "KBIF", ActualDestination: "MGGT",
		Departed: t0, Arrived: t0.Add(3 * time.Hour), FirstSeen: t0.Add(-time.Hour), LastSeen: t0.Add(3 * time.Hour), LastLat: 14.6, LastLon: -90.5}
	if err := in.st.PutLeg(ctx, leg); err != nil {
		t.Fatal(err)
	}
	if err := in.st.AppendTrack(ctx, []flight.TrackPoint{
		{Hex: "ae0001", Time: t0.Add(time.Minute), Lat: 31.9, Lon: -106.3},
		{Hex: "ae0001", Time: t0.Add(time.Hour), Lat: 25, Lon: -100},
		{Hex: "ae0001", Time: t0.Add(2 * time.Hour), Lat: 18, Lon: -95},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := in.st.AddReports(ctx, []flight.Report{
		{ID: "r1", Time: t0, Lat: 40.73, Lon: -74.17, Count: 5, Category: "unknown", Source: "a"},
		{ID: "r2", Time: t0, Lat: 34.05, Lon: -118.24, Count: 1, Category: "unknown", Source: "a"},
	}); err != nil {
		t.Fatal(err)
	}

	return t0
}

// TestListFormats: every list endpoint in every export format.
func TestListFormats(t *testing.T) {
	in := startServer(t, Config{MinCellCount: 1, PublicRawReports: true}, nil, nil)
	seed(t, in)
	postObs(t, in, obsLine("ae0001", 31.85, -106.38, time.Now(), ""))
	code, _, b := do(t, "POST", in.url+"/api/v1/plans", ingestToken, "application/json", []byte(`{"id":"p1","origin":"KBIF","destination":"MGGT"}`))
	if code != 201 {
		t.Fatalf("POST plan = %d %s", code, b)
	}
	for _, path := range []string{"/api/v1/aircraft", "/api/v1/flights", "/api/v1/alerts", "/api/v1/reports", "/api/v1/cells", "/api/v1/routes"} {
		for _, f := range []string{export.GeoJSON, export.GeoJSONSeq, export.CSV} {
			t.Run(path+"/"+f, func(t *testing.T) {
				code, _, b := do(t, "GET", in.url+path+"?f="+f, "", "", nil)
				if code != 200 {
					t.Fatalf("GET = %d %s", code, b)
				}
				n := 0
				switch f {
				case export.GeoJSON:
					n = len(featureCollection(t, b).Features)
				case export.GeoJSONSeq:
					for _, r := range bytes.Split(b, []byte{0x1e})[1:] {
						if _, err := geojson.UnmarshalFeature(r); err != nil || !bytes.HasSuffix(r, []byte("\n")) {
							t.Fatalf("record %q: %v", r, err)
						}
						n++
					}
				case export.CSV:
					rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
					if err != nil || len(rows) == 0 || rows[0][0] != "wkt" {
						t.Fatalf("csv %q: %v", b, err)
					}
					for _, r := range rows[1:] {
						if _, err := wkt.Unmarshal(r[0]); err != nil {
							t.Errorf("wkt %q: %v", r[0], err)
						}
					}
					n = len(rows) - 1
				}
				if n == 0 {
					t.Errorf("no features")
				}
			})
		}
	}
}
