package server

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// TestListFilters runs CQL2 filters on the REST list endpoints.
func TestListFilters(t *testing.T) {
	in := startServer(t, Config{}, nil, nil)
	t0 := seed(t, in)
	other := flight.Leg{ID: "ae0002-2", Hex: "ae0002", Status: flight.LegAirborne, Origin: "KAEX", Class: flight.ClassRemoval,
		PredictedDestination: "MHLM", PredictedConfidence: 0.7, PredictedBasis: flight.BasisRoute,
		FirstSeen: t0, LastSeen: t0.Add(time.Hour), LastLat: 30, LastLon: -92}
	if err := in.st.PutLeg(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, query string
		code        int
		want        []string
	}{
		{"flights", "filter=class = 'removal'", 200, []string{"ae0002-2"}},
		{"flights", "class=removal", 200, []string{"ae0002-2"}},
		{"flights", "filter=predicted_destination = 'MHLM' AND predicted_confidence >= 0.5", 200, []string{"ae0002-2"}},
		{"flights", "filter=actual_destination IS NULL OR origin = 'KBIF'", 200, []string{"ae0001-1", "ae0002-2"}},
		{"flights", "filter=S_INTERSECTS(geometry, BBOX(-101, 24, -99, 26))", 200, []string{"ae0001-1"}},
		{"flights", "filter=S_INTERSECTS(geometry, POINT(-92 30))", 200, []string{"ae0002-2"}},
		{"flights", "filter=T_DURING(arrived, INTERVAL('2025-01-24T00:00:00Z', '2025-01-25T00:00:00Z'))&status=landed", 200, []string{"ae0001-1"}},
		{"flights", "filter=TRUE&limit=1", 200, []string{"ae0001-1"}},
		{"flights", `filter-lang=cql2-json&filter={"op":"like","args":[{"property":"origin"},"KA%"]}`, 200, []string{"ae0002-2"}},
		{"flights", "filter=class = ", 400, nil},
		{"flights", "filter=colour = 'red'", 400, nil},
		{"flights", "filter-lang=sql&filter=1=1", 400, nil},
		{"alerts", "filter=type = 'landed'", 200, []string{"landed MGGT"}},
		{"alerts", "filter=S_INTERSECTS(geometry, BBOX(-107, 31, -106, 32)) OR message LIKE 'nothing%'", 200, []string{"departed KBIF"}},
		{"alerts", "filter=time > TIMESTAMP('2025-01-24T14:30:00Z')", 200, []string{"landed MGGT"}},
		{"alerts", "filter=hex =", 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path+"?"+tt.query, func(t *testing.T) {
			v := url.Values{}
			for _, kv := range strings.Split(tt.query, "&") {
				k, val, _ := strings.Cut(kv, "=")
				v.Add(k, val)
			}
			code, _, b := do(t, "GET", in.url+"/api/v1/"+tt.path+"?"+v.Encode(), "", "", nil)
			if code != tt.code {
				t.Fatalf("status %d %s, want %d", code, b, tt.code)
			}
			if code != 200 {
				if !strings.Contains(string(b), "filter") {
					t.Errorf("error does not name the filter: %s", b)
				}
				return
			}
			fc := featureCollection(t, b)
			var got []string
			for _, f := range fc.Features {
				if tt.path == "alerts" {
					got = append(got, f.Properties["message"].(string))
				} else {
					got = append(got, f.ID.(string))
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
	code, _, b := do(t, "GET", in.url+"/api/v1/flights?"+url.Values{"filter": {"class = 'removal' AND"}}.Encode(), "", "", nil)
	if code != 400 || !strings.Contains(string(b), "filter: at 22: expected a property or a value") {
		t.Errorf("error = %d %s, want the position", code, b)
	}
}
