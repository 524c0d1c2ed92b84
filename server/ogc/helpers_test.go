package ogc

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	"github.com/flightwatch/flightwatch/store/storetest"
)

var t0 = time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)

// fixture counts: what the store holds, per collection.
var wantCounts = map[string]int{"aircraft": 3, "tracks": 2, "flights": 2, "routes": 3, "alerts": 2, "reports": 5, "report-cells": 2}

// loadStore fills a memory store with a small, known data set.
func loadStore(t testing.TB) store.Store {
	t.Helper()
	s := memory.New(store.Config{Keyer: storetest.Keyer()})
	fillStore(t, s)
	t.Cleanup(func() { s.Close() })
	return s
}

// fillStore writes the known data set into s.
func fillStore(t testing.TB, s store.Store) {
	t.Helper()
	ctx := context.Background()
	obs := func(hex, cs string, lat, lon float64, at time.Time) flight.Aircraft {
		return flight.Aircraft{Observation: flight.Observation{Hex: hex, Callsign: cs, Time: at, Lat: lat, Lon: lon,
			AltFt: 20000, Has: flight.HasAlt}, Phase: flight.PhaseCruise}
	}
	acs := []flight.Aircraft{
		obs("ae1234", "RCH821", 25.0, -100.0, t0.Add(2*time.Hour)),
		obs("ae5678", "RCH538", 29.5, -95.0, t0.Add(3*time.Hour)),
		obs("a00001", "", 25.79, -80.29, t0.Add(time.Hour)),
	}
	if err := s.PutAircraft(ctx, acs); err != nil {
		t.Fatal(err)
	}
	var pts []flight.TrackPoint
	for i := 0; i < 5; i++ {
		at := t0.Add(time.Duration(i) * 30 * time.Minute)
		pts = append(pts, flight.TrackPoint{Hex: "ae1234", Time: at, Lat: 31.85 - float64(i)*1.5, Lon: -106.38 + float64(i)*1.5})
		pts = append(pts, flight.TrackPoint{Hex: "ae5678", Time: at.Add(time.Hour), Lat: 32.87 - float64(i), Lon: -117.14 + float64(i)*4})
	}
	pts = append(pts, flight.TrackPoint{Hex: "a00001", Time: t0.Add(time.Hour), Lat: 25.79, Lon: -80.29})
	if err := s.AppendTrack(ctx, pts); err != nil {
		t.Fatal(err)
	}
	legs := []flight.Leg{
		{ID: "ae1234-1737727200", Hex: "ae1234", Callsign: "RCH821", Status: flight.LegAirborne, Origin: "KBIF",
			PlannedDestination: "MGGT", Departed: t0, FirstSeen: t0, LastSeen: t0.Add(2 * time.Hour), LastLat: 25.85, LastLon: -100.38,
			PredictedDestination: "MGGT", PredictedConfidence: 0.8, PredictedBasis: flight.BasisPlan, Class: flight.ClassRemoval},
		{ID: "ae5678-1737730800", Hex: "ae5678", Callsign: "RCH538", Status: flight.LegLanded, Origin: "KNKX",
			PlannedDestination: "SKBO", ActualDestination: "KIAH", Departed: t0.Add(time.Hour), Arrived: t0.Add(3 * time.Hour),
			FirstSeen: t0.Add(time.Hour), LastSeen: t0.Add(3 * time.Hour), LastLat: 29.98, LastLon: -95.34, Class: flight.ClassDomestic},
	}
	for _, l := range legs {
		if err := s.PutLeg(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []flight.Plan{
		{ID: "cbp-1", Origin: "KBIF", Destination: "MGGT", Hex: "ae1234", Departure: t0},
		{ID: "cbp-2", Origin: "KNKX", Destination: "SKBO", Callsign: "RCH538", Departure: t0.Add(26 * time.Hour)},
		{ID: "cbp-3", Origin: "KTUS", Destination: "ZZZZ"},
	} {
		if err := s.PutPlan(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []flight.Alert{
		{Key: "ae1234-1737727200/departed", Type: flight.AlertDeparted, Time: t0, Hex: "ae1234", Message: "departed KBIF", Lat: 31.85, Lon: -106.38},
		{Key: "ae5678-1737730800/diverted", Type: flight.AlertDiverted, Time: t0.Add(3 * time.Hour), Hex: "ae5678", Message: "landed at KIAH", Lat: 29.98, Lon: -95.34},
	} {
		if _, err := s.AddAlert(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	day := time.Date(2025, 1, 23, 0, 0, 0, 0, time.UTC)
	reps := []flight.Report{
		{ID: "newark", Time: day, Lat: 40.73566, Lon: -74.17237, Count: 3, Category: "unknown", Place: "Newark, NJ"},
		{ID: "chicago-1", Time: day, Lat: 41.85003, Lon: -87.65005, Count: 2, Category: "criminal"},
		{ID: "chicago-2", Time: day.Add(time.Hour), Lat: 41.85003, Lon: -87.65005, Count: 2, Category: "criminal"},
		{ID: "denver", Time: day, Lat: 39.73915, Lon: -104.9847, Count: 1},
		{ID: "sasabe", Time: day.Add(-72 * time.Hour), Lat: 31.48, Lon: -111.54, Count: 1},
	}
	if _, err := s.AddReports(ctx, reps); err != nil {
		t.Fatal(err)
	}
}

// newServer starts a real HTTP server with the API mounted at /ogc/.
func newServer(t testing.TB, cfg Config, deps Deps) *httptest.Server {
	t.Helper()
	if deps.Store == nil {
		deps.Store = loadStore(t)
	}
	if deps.Airports == nil {
		deps.Airports = geo.Airports()
	}
	mux := http.NewServeMux()
	mux.Handle("/ogc/", http.StripPrefix("/ogc", New(cfg, deps)))
	mux.Handle("/ogc", http.StripPrefix("/ogc", New(cfg, deps)))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// get fetches url with an optional Accept header, returning status, content
// type and body.
func get(t testing.TB, url, accept string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

func getJSON(t testing.TB, url string, v any) int {
	t.Helper()
	status, _, b := get(t, url, "")
	if status == http.StatusOK {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: %v in %s", url, err, b)
		}
	}
	return status
}

type linkDoc struct {
	Href, Rel, Type string
}

type itemsDoc struct {
	Type     string `json:"type"`
	Features []struct {
		ID         string          `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
	Links          []linkDoc `json:"links"`
	NumberMatched  *int      `json:"numberMatched"`
	NumberReturned int       `json:"numberReturned"`
	TimeStamp      string    `json:"timeStamp"`
}

func linkOf(links []linkDoc, rel string) (linkDoc, bool) {
	for _, l := range links {
		if l.Rel == rel {
			return l, true
		}
	}
	return linkDoc{}, false
}

func jsonDecode(r io.Reader, v any) error { return json.NewDecoder(r).Decode(v) }
