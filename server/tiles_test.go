package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/paulmach/orb/encoding/mvt"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	"github.com/flightwatch/flightwatch/tiles"
)

// TestBasemap checks that the tile handler is mounted, answers through
// the server's middleware, and that /api/v1/meta gives the opening view.
func TestBasemap(t *testing.T) {
	st, bus := memory.New(store.Config{}), memory.NewBus()
	view := MapView{Center: [2]float64{-95.36, 29.76}, Zoom: 7}
	s, err := New(Config{}, Deps{Store: st, Bus: bus, Ingest: &testIngester{st: st, bus: bus},
		Basemap: &Basemap{Tiles: tiles.New(tiles.Config{}), View: view}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	code, hdr, b := do(t, "GET", srv.URL+"/tiles/basemap/9/120/211.mvt", "", "", nil)
	if code != http.StatusOK || hdr.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("tile = %d %s", code, hdr.Get("Content-Type"))
	}
	if hdr.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("tile answer lacks the CORS header of read endpoints")
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil || len(ls) == 0 {
		t.Fatalf("tile: %d layers, %v", len(ls), err)
	}
	if code, _, _ := do(t, "GET", srv.URL+"/tiles/basemap/99/0/0.mvt", "", "", nil); code != http.StatusNotFound {
		t.Errorf("zoom 99 = %d, want 404", code)
	}
	if code, _, _ := do(t, "GET", srv.URL+"/tiles/basemap.json", "", "", nil); code != http.StatusOK {
		t.Errorf("TileJSON = %d, want 200", code)
	}
	if code, _, _ := do(t, "GET", srv.URL+"/fonts/Noto%20Sans%20Regular/0-255.pbf", "", "", nil); code != http.StatusOK {
		t.Errorf("glyphs = %d, want 200", code)
	}

	code, _, b = do(t, "GET", srv.URL+"/api/v1/meta", "", "", nil)
	var meta struct {
		Map *MapView `json:"map"`
	}
	if err := json.Unmarshal(b, &meta); code != 200 || err != nil || meta.Map == nil || *meta.Map != view {
		t.Errorf("meta = %d %s, want map %+v", code, b, view)
	}

	// Without a basemap: no tiles, no map view.
	bare, err := New(Config{}, Deps{Store: st, Bus: bus, Ingest: &testIngester{st: st, bus: bus}})
	if err != nil {
		t.Fatal(err)
	}
	bs := httptest.NewServer(bare.Handler())
	defer bs.Close()
	if code, _, _ := do(t, "GET", bs.URL+"/tiles/basemap/0/0/0.mvt", "", "", nil); code != http.StatusNotFound {
		t.Errorf("tile without a basemap = %d, want 404", code)
	}
	_, _, b = do(t, "GET", bs.URL+"/api/v1/meta", "", "", nil)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil || m["map"] != nil {
		t.Errorf("meta without a basemap = %s, want no map", b)
	}
}
