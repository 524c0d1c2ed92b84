package server

import (
	"encoding/json"
	"testing"
	"time"
)

// TestMeta checks /api/v1/meta: the privacy threshold always, the
// scenario clock only once a pass has begun.
func TestMeta(t *testing.T) {
	var sc Scenario
	in := startServer(t, Config{MinCellCount: 1, Banner: "demo", Scenario: func() Scenario { return sc }}, nil, nil)
	get := func() map[string]json.RawMessage {
		t.Helper()
		code, _, b := do(t, "GET", in.url+"/api/v1/meta", "", "", nil)
		if code != 200 {
			t.Fatalf("meta = %d %s", code, b)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("meta %s: %v", b, err)
		}
		return m
	}
	m := get()
	if string(m["min_cell_count"]) != "1" || string(m["banner"]) != `"demo"` {
		t.Errorf("meta = %v, want min_cell_count 1 and the banner", m)
	}
	if _, ok := m["scenario"]; ok {
		t.Errorf("scenario %s before any pass", m["scenario"])
	}
	start := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	passStart := time.Date(2026, 12, 2, 13, 0, 0, 0, time.UTC)
	sc = Scenario{Pass: 2, PassStart: passStart, Start: start, Speed: 60}
	var got Scenario
	if err := json.Unmarshal(get()["scenario"], &got); err != nil {
		t.Fatal(err)
	}
	if got.Pass != 2 || !got.PassStart.Equal(passStart) || !got.Start.Equal(start) || got.Speed != 60 {
		t.Errorf("scenario = %+v, want %+v", got, sc)
	}

	def := startServer(t, Config{}, nil, nil)
	code, _, b := do(t, "GET", def.url+"/api/v1/meta", "", "", nil)
	var dm map[string]any
	if err := json.Unmarshal(b, &dm); code != 200 || err != nil || dm["min_cell_count"] != float64(3) {
		t.Errorf("default meta = %d %s, want min_cell_count 3", code, b)
	}
}
