package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
)

// TestAirportsFromDeps: the server resolves airports only through the
// index in its Deps; one listing only KBIF and MGGT knows no other.
func TestAirportsFromDeps(t *testing.T) {
	const csv = "ident,type,name,latitude_deg,longitude_deg,elevation_ft,iso_country,municipality,iata_code\n" +
		"KBIF,medium_airport,Biggs Army Airfield,31.849501,-106.379997,3946,US,El Paso,BIF\n" +
		"MGGT,large_airport,La Aurora,14.5833,-90.527496,4952,GT,Guatemala City,GUA\n"
	small, err := geo.LoadAirports(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		airports *geo.AirportIndex
		plan     string
		want     int
		airport  string
		wantAp   int
	}{
		{"small index, known", small, `{"id":"a","origin":"KBIF","destination":"GUA"}`, http.StatusCreated, "KBIF", http.StatusOK},
		{"small index, not listed", small, `{"id":"b","origin":"KBIF","destination":"KDEN"}`, http.StatusBadRequest, "KDEN", http.StatusNotFound},
		{"no index", nil, `{"id":"c","origin":"KBIF","destination":"MGGT"}`, http.StatusBadRequest, "KBIF", http.StatusNotFound},
		{"embedded index", geo.Airports(), `{"id":"d","origin":"KBIF","destination":"KDEN"}`, http.StatusCreated, "KDEN", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, bus := memory.New(store.Config{}), memory.NewBus()
			s, err := New(Config{Tokens: testTokens()}, Deps{Store: st, Bus: bus, Ingest: &testIngester{st: st, bus: bus}, Airports: tt.airports})
			if err != nil {
				t.Fatal(err)
			}
			srv := newHTTPTest(t, s.Handler())
			if code, _, b := do(t, "POST", srv+"/api/v1/plans", ingestToken, "application/json", []byte(tt.plan)); code != tt.want {
				t.Errorf("POST plan %s = %d %s, want %d", tt.plan, code, b, tt.want)
			}
			if code, _, b := do(t, "GET", srv+"/api/v1/airports/"+tt.airport, "", "", nil); code != tt.wantAp {
				t.Errorf("GET airport %s = %d %s, want %d", tt.airport, code, b, tt.wantAp)
			}
		})
	}
}
