package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/server/ogc"
)

// TestOGCPropertiesCoverREST encodes one aircraft, leg and alert through
// the REST list endpoints and the OGC API and checks that OGC has every
// property REST has (OGC writes the whole feature schema, unknowns as null).
func TestOGCPropertiesCoverREST(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	ctx := context.Background()
	at := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	ac := flight.Aircraft{Observation: flight.Observation{Hex: "ae0009", Time: time.Now().UTC(), Lat: 30, Lon: -95, AltFt: 31000,
		Has: flight.HasAlt, Callsign: "RCH9"}, Tags: []string{"military"}, Watch: "w", Leg: "ae0009-1"}
	if err := in.st.PutAircraft(ctx, []flight.Aircraft{ac}); err != nil {
		t.Fatal(err)
	}
	leg := flight.Leg{ID: "ae0009-1", Hex: "ae0009", Status: flight.LegAirborne, FirstSeen: at, LastSeen: at.Add(time.Hour),
		LastLat: 30, LastLon: -95, Class: flight.ClassRemoval}
	if err := in.st.PutLeg(ctx, leg); err != nil {
		t.Fatal(err)
	}
	al := flight.Alert{Key: "k9", Type: flight.AlertDeparted, Time: at, Hex: "ae0009", Message: "m", Lat: 30, Lon: -95}
	if _, err := in.st.AddAlert(ctx, &al); err != nil {
		t.Fatal(err)
	}
	og := httptest.NewServer(http.StripPrefix("/ogc", ogc.New(ogc.Config{}, ogc.Deps{Store: in.st})))
	defer og.Close()
	for _, tt := range []struct{ rest, coll string }{
		{"/api/v1/aircraft", "aircraft"}, {"/api/v1/flights", "flights"}, {"/api/v1/alerts", "alerts"},
	} {
		t.Run(tt.coll, func(t *testing.T) {
			code, _, b := do(t, "GET", in.url+tt.rest, "", "", nil)
			if code != 200 {
				t.Fatalf("GET %s = %d", tt.rest, code)
			}
			rest := featureCollection(t, b)
			resp, err := http.Get(og.URL + "/ogc/collections/" + tt.coll + "/items")
			if err != nil {
				t.Fatal(err)
			}
			ob, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			oc := featureCollection(t, ob)
			if len(rest.Features) != 1 || len(oc.Features) != 1 {
				t.Fatalf("REST %d features, OGC %d; want 1 each", len(rest.Features), len(oc.Features))
			}
			var missing []string
			for k := range rest.Features[0].Properties {
				if _, ok := oc.Features[0].Properties[k]; !ok {
					missing = append(missing, k)
				}
			}
			slices.Sort(missing)
			if len(missing) > 0 {
				t.Errorf("OGC %s lacks REST properties %v", tt.coll, missing)
			}
		})
	}
}
