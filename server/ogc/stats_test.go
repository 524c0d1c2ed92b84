package ogc

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	"github.com/flightwatch/flightwatch/store/storetest"
)

func TestStatsCollections(t *testing.T) {
	st := memory.New(store.Config{Keyer: storetest.Keyer()})
	ctx := context.Background()
	t0 := time.Date(2025, 1, 22, 14, 0, 0, 0, time.UTC) // 2025-W04
	for i, dest := range []string{"MGGT", "MGGT", "SKBO"} {
		l := flight.Leg{ID: "ae000" + string(rune('1'+i)) + "-1", Hex: "ae0001", Status: flight.LegLanded, Origin: "KBIF",
			ActualDestination: dest, Departed: t0, FirstSeen: t0, LastSeen: t0.Add(time.Hour), Watch: "w", Callsign: "RCH1"}
		if err := st.PutLeg(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	srv := newServer(t, Config{}, Deps{Store: st, Countries: geo.Countries()})
	// without Deps.Countries a country has no outline
	bare := newServer(t, Config{}, Deps{Store: st})
	tests := []struct {
		name, url               string
		coll, by, group, period string
		count                   int
		geom                    string
	}{
		{"", srv.URL, "stats-week", "country", "GTM", "2025-W04", 2, "MultiPolygon"},
		{"", srv.URL, "stats-week", "airport", "SKBO", "2025-W04", 1, "Point"},
		{"", srv.URL, "stats-month", "operator", "RCH", "2025-01", 3, ""},
		{"", srv.URL, "stats-month", "class", "removal", "2025-01", 3, ""},
		{"/no countries", bare.URL, "stats-week", "country", "GTM", "2025-W04", 2, ""},
	}
	for _, tc := range tests {
		t.Run(tc.coll+"/"+tc.by+tc.name, func(t *testing.T) {
			code, _, body := get(t, tc.url+"/ogc/collections/"+tc.coll+"/items?limit=1000&datetime=2025-01-01T00:00:00Z/2025-02-01T00:00:00Z", "application/geo+json")
			if code != http.StatusOK {
				t.Fatalf("items = %d %s", code, body)
			}
			var fc struct {
				Features []struct {
					Geometry   *struct{ Type string } `json:"geometry"`
					Properties map[string]any         `json:"properties"`
				} `json:"features"`
			}
			if err := json.Unmarshal(body, &fc); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range fc.Features {
				p := f.Properties
				if p["by"] != tc.by || p["group"] != tc.group || p["period"] != tc.period {
					continue
				}
				found = true
				if p["count"] != float64(tc.count) {
					t.Errorf("%s %s count = %v, want %d", tc.by, tc.group, p["count"], tc.count)
				}
				got := ""
				if f.Geometry != nil {
					got = f.Geometry.Type
				}
				if got != tc.geom {
					t.Errorf("%s %s geometry %q, want %q", tc.by, tc.group, got, tc.geom)
				}
			}
			if !found {
				t.Errorf("no %s row for %s %s in %s", tc.by, tc.group, tc.period, body)
			}
		})
	}
}
