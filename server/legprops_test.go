package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// TestFlightPrediction checks the prediction, class and military
// properties of legs in every v1 flights output: GeoJSON (null when
// unknown), GeoJSON-Seq and CSV.
func TestFlightPrediction(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	at := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	legs := []flight.Leg{
		{ID: "ae5a01-1", Hex: "ae5a01", Status: flight.LegAirborne, Origin: "KBIF", Departed: at, FirstSeen: at,
			LastSeen: at.Add(time.Hour), LastLat: 25, LastLon: -100, Watch: "w", Tags: []string{"military"},
			PredictedDestination: "MSLP", PredictedConfidence: 0.88, PredictedBasis: flight.BasisHistory, Class: flight.ClassRemoval},
		{ID: "abc123-2", Hex: "abc123", Status: flight.LegTaxi, FirstSeen: at, LastSeen: at.Add(time.Minute), LastLat: 31, LastLon: -106},
	}
	for _, l := range legs {
		if err := in.st.PutLeg(context.Background(), l); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]map[string]any{
		"ae5a01-1": {"predicted_destination": "MSLP", "predicted_confidence": 0.88, "predicted_basis": "history",
			"class": "removal", "military": true},
		"abc123-2": {"predicted_destination": nil, "predicted_confidence": nil, "predicted_basis": nil,
			"class": "unknown", "military": false},
	}
	check := func(how, id string, props map[string]any) {
		for k, v := range want[id] {
			got, ok := props[k]
			if !ok || got != v {
				t.Errorf("%s %s: %s = %v (present %v), want %v", how, id, k, got, ok, v)
			}
		}
	}
	code, _, b := do(t, "GET", in.url+"/api/v1/flights", "", "", nil)
	if code != 200 {
		t.Fatalf("GET flights = %d %s", code, b)
	}
	var fc struct {
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) != 2 {
		t.Fatalf("flights: %v, %d features", err, len(fc.Features))
	}
	for _, f := range fc.Features {
		check("geojson", f.ID, f.Properties)
	}

	code, _, b = do(t, "GET", in.url+"/api/v1/flights", "", "", nil, "Accept", "application/geo+json-seq")
	if code != 200 {
		t.Fatalf("GET flights seq = %d %s", code, b)
	}
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := bytes.TrimPrefix(sc.Bytes(), []byte{0x1e})
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var f struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		}
		if err := json.Unmarshal(line, &f); err != nil {
			t.Fatalf("seq record %q: %v", line, err)
		}
		check("geojson-seq", f.ID, f.Properties)
		n++
	}
	if n != 2 {
		t.Errorf("geojson-seq: %d records, want 2", n)
	}

	code, _, b = do(t, "GET", in.url+"/api/v1/flights", "", "", nil, "Accept", "text/csv")
	if code != 200 {
		t.Fatalf("GET flights csv = %d %s", code, b)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("csv: %v, %d rows", err, len(rows))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, r := range rows[1:] {
		id := r[col["id"]]
		for k, v := range want[id] {
			i, ok := col[k]
			if !ok {
				t.Fatalf("csv has no %s column: %v", k, rows[0])
			}
			ws := ""
			switch x := v.(type) {
			case string:
				ws = x
			case float64:
				ws = "0.88"
			case bool:
				ws = map[bool]string{true: "true", false: "false"}[x]
			}
			if r[i] != ws {
				t.Errorf("csv %s: %s = %q, want %q", id, k, r[i], ws)
			}
		}
	}
}

func TestGetAirport(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	tests := []struct {
		path  string
		code  int
		ident string
	}{
		{"/api/v1/airports/MSLP", 200, "MSLP"},
		{"/api/v1/airports/sal", 200, "MSLP"},
		{"/api/v1/airports/QQQQ", 404, ""},
		{"/api/v1/airports/ABCDEFGHIJ", 400, ""},
	}
	for _, tt := range tests {
		code, _, b := do(t, "GET", in.url+tt.path, "", "", nil)
		if code != tt.code {
			t.Errorf("GET %s = %d %s, want %d", tt.path, code, b, tt.code)
			continue
		}
		if tt.ident == "" {
			continue
		}
		var f struct {
			ID       string `json:"id"`
			Geometry struct {
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		}
		if err := json.Unmarshal(b, &f); err != nil || f.ID != tt.ident || len(f.Geometry.Coordinates) != 2 ||
			f.Properties["type"] != "large_airport" {
			t.Errorf("GET %s = %s (%v), want the %s feature", tt.path, b, err, tt.ident)
		}
	}
}
