package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"

	"github.com/flightwatch/flightwatch/feature"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/server/ogc"
	"github.com/flightwatch/flightwatch/store"
)

// TestOutputsAgree stores one aircraft (with its track), leg, alert and
// report (and so one report cell) and reads each through every output that carries it: the
// REST GeoJSON list and single item, GeoJSON-Seq, CSV, KML and GeoParquet,
// the OGC API items and item, and the websocket snapshot, update, alert
// and delta frames. Each must name exactly the properties of its feature
// table (CSV and GIS columns included), so that a property added to one
// output only fails here.
func TestOutputsAgree(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	start := now.Add(-time.Hour)
	legID := fmt.Sprintf("ae0042-%d", start.Unix())
	ac := flight.Aircraft{Observation: flight.Observation{Hex: "ae0042", Time: now, Lat: 30, Lon: -95, AltFt: 31000,
		GSKt: 420, Has: flight.HasAlt | flight.HasGS, Callsign: "RCH42"}, Tags: []string{"military", "a;b"}, Watch: "w", Leg: legID}
	if err := in.st.PutAircraft(ctx, []flight.Aircraft{ac}); err != nil {
		t.Fatal(err)
	}
	pts := []flight.TrackPoint{{Hex: ac.Hex, Time: start, Lat: 29, Lon: -96}, {Hex: ac.Hex, Time: now, Lat: 30, Lon: -95}}
	if err := in.st.AppendTrack(ctx, pts); err != nil {
		t.Fatal(err)
	}
	leg := flight.Leg{ID: legID, Hex: ac.Hex, Callsign: "RCH42", Status: flight.LegAirborne, Origin: "KBIF", FirstSeen: start,
		Departed: start, LastSeen: now, LastLat: 30, LastLon: -95, Tags: ac.Tags, Watch: "w", Class: flight.ClassRemoval}
	if err := in.st.PutLeg(ctx, leg); err != nil {
		t.Fatal(err)
	}
	al := flight.Alert{Key: "k42", Type: flight.AlertDeparted, Time: now, Hex: ac.Hex, Flight: legID, Message: "departed KBIF", Lat: 30, Lon: -95}
	if _, err := in.st.AddAlert(ctx, &al); err != nil {
		t.Fatal(err)
	}
	rep := flight.Report{ID: "r42", Time: now, Lat: 31.76, Lon: -106.49, Count: 12, Category: "unknown", Place: "El Paso", Source: "test"}
	if _, err := in.st.AddReports(ctx, []flight.Report{rep}); err != nil {
		t.Fatal(err)
	}
	cellID := geo.CellString(geo.Cell(rep.Lat, rep.Lon, 5))
	plan := flight.Plan{ID: "p42", Origin: "KBIF", Destination: "MGGT", Callsign: "RCH42", Departure: start, Note: "n"}
	if err := in.st.PutPlan(ctx, plan); err != nil {
		t.Fatal(err)
	}

	tables := map[string][]string{
		"aircraft": feature.Aircraft.Names(),
		"leg":      append(feature.Leg.Names(), feature.Provenance.Names()...),
		"alert":    feature.Alert.Names(),
		"report":   feature.Report.Names(),
		"cell":     feature.Cell.Names(),
		"track":    feature.TrackTable.Names(),
		"route":    feature.Route.Names(),
	}
	got := map[string]map[string][]string{} // kind → output → names
	add := func(kind, output string, names []string) {
		if got[kind] == nil {
			got[kind] = map[string][]string{}
		}
		got[kind][output] = names
	}

	// REST: GeoJSON, GeoJSON-Seq, CSV, KML and GeoParquet of each list
	lists := []struct{ kind, path string }{
		{"aircraft", "/api/v1/aircraft"}, {"leg", "/api/v1/flights"}, {"alert", "/api/v1/alerts"},
		{"report", "/api/v1/reports"}, {"cell", "/api/v1/cells?res=5"}, {"track", "/api/v1/aircraft/ae0042/track"},
		{"route", "/api/v1/routes"},
	}
	for _, l := range lists {
		sep := "?"
		if strings.Contains(l.path, "?") {
			sep = "&"
		}
		get := func(f string) []byte {
			t.Helper()
			u := in.url + l.path
			if f != "" {
				u += sep + "f=" + f
			}
			code, _, b := do(t, "GET", u, rawToken, "", nil)
			if code != http.StatusOK {
				t.Fatalf("GET %s = %d %s", u, code, b)
			}
			return b
		}
		if l.kind == "track" {
			// one Feature, with each point's time and altitude besides
			names := propNames(t, get(""))
			if !slices.Contains(names, "times") || !slices.Contains(names, "alts") {
				t.Errorf("track GeoJSON properties %v lack times and alts", names)
			}
			add(l.kind, "rest geojson", minus(names, []string{"times", "alts"}))
		} else {
			add(l.kind, "rest geojson", onlyFeatureNames(t, l.path, get("")))
			add(l.kind, "rest geojsonseq", seqNames(t, get("geojsonseq")))
		}
		add(l.kind, "rest csv", csvNames(t, get("csv")))
		add(l.kind, "rest kml", kmlNames(t, get("kml")))
		add(l.kind, "rest geoparquet", parquetNames(t, get("parquet")))
	}
	code, _, b := do(t, "GET", in.url+"/api/v1/aircraft/"+ac.Hex, "", "", nil)
	if code != http.StatusOK {
		t.Fatalf("GET aircraft/%s = %d %s", ac.Hex, code, b)
	}
	add("aircraft", "rest item", propNames(t, b))

	// OGC API: items and one item of each collection
	og := newHTTPTest(t, http.StripPrefix("/ogc", ogc.New(ogc.Config{PublicRawReports: true}, ogc.Deps{Store: in.st, Airports: geo.Airports()})))
	colls := []struct{ kind, coll, id string }{
		{"aircraft", "aircraft", ac.Hex}, {"leg", "flights", legID}, {"alert", "alerts", ""},
		{"report", "reports", rep.ID}, {"cell", "report-cells", cellID}, {"track", "tracks", ac.Hex},
		{"route", "routes", plan.ID},
	}
	for _, c := range colls {
		u := og + "/ogc/collections/" + c.coll + "/items?f=json"
		code, _, b := do(t, "GET", u, "", "", nil)
		if code != http.StatusOK {
			t.Fatalf("GET %s = %d %s", u, code, b)
		}
		add(c.kind, "ogc items", onlyFeatureNames(t, u, b))
		id := c.id
		if id == "" { // alert ids are given by the store
			var fc struct {
				Features []struct{ ID string } `json:"features"`
			}
			if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) != 1 {
				t.Fatalf("%s: %v", u, err)
			}
			id = fc.Features[0].ID
		}
		u = og + "/ogc/collections/" + c.coll + "/items/" + id + "?f=json"
		code, _, b = do(t, "GET", u, "", "", nil)
		if code != http.StatusOK {
			t.Fatalf("GET %s = %d %s", u, code, b)
		}
		add(c.kind, "ogc item", propNames(t, b))
	}

	// websocket: snapshots, then the frames of published changes
	ws := dialWS(t, in, "?token="+rawToken)
	sendWS(t, ws, `{"op":"subscribe","bbox":[-180,-90,180,90],"layers":["aircraft","alerts","reports"]}`)
	delta := dialWS(t, in, "")
	sendWS(t, delta, `{"op":"subscribe","bbox":[-180,-90,180,90],"layers":["aircraft"],"format":"delta"}`)
	want := map[string]string{"snapshot aircraft": "aircraft", "snapshot cells": "cell", "update aircraft": "aircraft",
		"alert": "alert", "update reports": "report", "update cells": "cell"}
	// read until reads ws messages into got until the frames of keys came
	readUntilFrames := func(keys ...string) {
		t.Helper()
		for slices.ContainsFunc(keys, func(k string) bool { _, ok := want[k]; return ok }) {
			m := readMsg(t, ws)
			key := strings.TrimSpace(m.Type + " " + m.Layer)
			kind, ok := want[key]
			if !ok {
				continue
			}
			delete(want, key)
			if m.Type == "alert" {
				add(kind, "ws "+key, propNames(t, m.Data))
				continue
			}
			var fc struct {
				Features []json.RawMessage `json:"features"`
			}
			if err := json.Unmarshal(m.Data, &fc); err != nil || len(fc.Features) == 0 {
				t.Fatalf("%s: %v, want features in %.300s", key, err, m.Data)
			}
			for i, f := range fc.Features {
				add(kind, fmt.Sprintf("ws %s #%d", key, i), propNames(t, f))
			}
		}
	}
	readUntilFrames("snapshot aircraft", "snapshot cells")
	readUntil(t, delta, "aircraft snapshot", func(m wsMsg) bool { return m.Type == "snapshot" && m.Layer == "aircraft" })
	moved, fresh := ac, ac
	moved.Time, moved.Lon = now.Add(time.Second), -94.9
	fresh.Hex, fresh.Leg = "ae0043", "" // new to the delta client: a full item
	publish := func(e store.Event) {
		t.Helper()
		if err := in.bus.Publish(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	publish(store.Event{Kind: store.EventAircraft, Aircraft: []flight.Aircraft{moved, fresh}})
	publish(store.Event{Kind: store.EventAlert, Alert: &al})
	rep2 := rep
	rep2.ID = "r43"
	if _, err := in.st.AddReports(ctx, []flight.Report{rep2}); err != nil {
		t.Fatal(err)
	}
	publish(store.Event{Kind: store.EventReports, Reports: []flight.Report{rep2}})
	readUntilFrames(slices.Collect(maps.Keys(want))...)
	for {
		m := readMsg(t, delta)
		if m.Type != "update" || m.Layer != "aircraft" {
			continue
		}
		var items []map[string]any
		if err := json.Unmarshal(m.Data, &items); err != nil {
			t.Fatalf("delta update %s: %v", m.Data, err)
		}
		i := slices.IndexFunc(items, func(it map[string]any) bool { return it["id"] == fresh.Hex && it["f"] == 1.0 })
		if i < 0 {
			continue
		}
		// the item's id is the hex; c is the geometry, f marks it full
		names := []string{"hex"}
		for k := range items[i] {
			if k != "id" && k != "f" && k != "c" {
				names = append(names, k)
			}
		}
		add("aircraft", "ws delta full item", names)
		break
	}

	for kind, outputs := range got {
		want := slices.Sorted(slices.Values(tables[kind]))
		for output, names := range outputs {
			names = slices.Sorted(slices.Values(names))
			if !slices.Equal(names, want) {
				t.Errorf("%s via %s: properties %v, want the table's %v (extra %v, missing %v)", kind, output, names, want,
					minus(names, want), minus(want, names))
			}
		}
	}
	if n := len(got["aircraft"]); n < 11 {
		t.Errorf("aircraft read through %d outputs, want at least 11", n)
	}
}

// minus lists the names of a not in b.
func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// propNames lists the property names of a GeoJSON Feature.
func propNames(t *testing.T, b []byte) []string {
	t.Helper()
	var f struct {
		Type       string                     `json:"type"`
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if err := json.Unmarshal(b, &f); err != nil || f.Type != "Feature" {
		t.Fatalf("not a Feature (%v): %.300s", err, b)
	}
	return slices.Collect(maps.Keys(f.Properties))
}

// onlyFeatureNames lists the property names of the one Feature of a
// FeatureCollection.
func onlyFeatureNames(t *testing.T, what string, b []byte) []string {
	t.Helper()
	var fc struct {
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) != 1 {
		t.Fatalf("%s: %v, want one feature in %.300s", what, err, b)
	}
	return propNames(t, fc.Features[0])
}

// seqNames lists the property names of the one record of a GeoJSON text
// sequence.
func seqNames(t *testing.T, b []byte) []string {
	t.Helper()
	var recs [][]byte
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if r := bytes.TrimSpace(bytes.TrimPrefix(sc.Bytes(), []byte{0x1e})); len(r) > 0 {
			recs = append(recs, bytes.Clone(r))
		}
	}
	if len(recs) != 1 {
		t.Fatalf("geojsonseq: %d records, want 1: %.300s", len(recs), b)
	}
	return propNames(t, recs[0])
}

// csvNames lists the columns of a CSV export after the wkt geometry,
// checking that the one row has a cell per column.
func csvNames(t *testing.T, b []byte) []string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) != 2 || len(rows[0]) == 0 || rows[0][0] != "wkt" || len(rows[1]) != len(rows[0]) {
		t.Fatalf("csv: %v, want a wkt header and one row: %.300s", err, b)
	}
	return rows[0][1:]
}

var kmlField = regexp.MustCompile(`<SimpleField name="([^"]+)"`)

// kmlNames lists the fields of a KML export's Schema.
func kmlNames(t *testing.T, b []byte) []string {
	t.Helper()
	var out []string
	for _, m := range kmlField.FindAllSubmatch(b, -1) {
		out = append(out, string(m[1]))
	}
	if !bytes.Contains(b, []byte("<Placemark>")) {
		t.Fatalf("kml without a Placemark: %.300s", b)
	}
	return out
}

// parquetNames lists the columns of a GeoParquet export but geometry.
func parquetNames(t *testing.T, b []byte) []string {
	t.Helper()
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil || f.NumRows() != 1 {
		t.Fatalf("geoparquet: %v, want one row", err)
	}
	var out []string
	for _, fl := range f.Schema().Fields() {
		if fl.Name() != "geometry" {
			out = append(out, fl.Name())
		}
	}
	return out
}
