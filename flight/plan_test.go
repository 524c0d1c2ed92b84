package flight

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// idents is a two-airport index: KBIF (IATA BIF) and MGGT (GUA).
type idents map[string]string

func (m idents) Ident(code string) (string, bool) {
	v, ok := m[strings.ToUpper(strings.TrimSpace(code))]
	return v, ok
}

var twoAirports = idents{"KBIF": "KBIF", "BIF": "KBIF", "MGGT": "MGGT", "GUA": "MGGT"}

func TestPlanNormalize(t *testing.T) {
	dep := time.Date(2025, 1, 24, 9, 0, 0, 0, time.FixedZone("EST", -5*3600))
	tests := []struct {
		name    string
		in      Plan
		ix      AirportIndex
		want    Plan
		wantErr string
	}{
		{"normalised", Plan{ID: " cbp-1 ", Origin: " bif", Destination: "gua ", Hex: "AE1234", Callsign: " rch821", Departure: dep, Note: " n "},
			twoAirports, Plan{ID: "cbp-1", Origin: "KBIF", Destination: "MGGT", Hex: "ae1234", Callsign: "RCH821", Departure: dep.UTC(), Note: "n"}, ""},
		{"non-icao hex", Plan{ID: "a", Origin: "KBIF", Destination: "MGGT", Hex: "~1234ab"}, twoAirports,
			Plan{ID: "a", Origin: "KBIF", Destination: "MGGT", Hex: "~1234ab"}, ""},
		{"no id", Plan{Origin: "KBIF", Destination: "MGGT"}, twoAirports, Plan{}, "plan: id is required"},
		{"slash in id", Plan{ID: "a/b", Origin: "KBIF", Destination: "MGGT"}, twoAirports, Plan{},
			`plan: id "a/b" must be at most 128 characters without spaces or slashes`},
		{"space in id", Plan{ID: "a b", Origin: "KBIF", Destination: "MGGT"}, twoAirports, Plan{},
			`plan: id "a b" must be at most 128 characters without spaces or slashes`},
		{"long id", Plan{ID: strings.Repeat("x", 129), Origin: "KBIF", Destination: "MGGT"}, twoAirports, Plan{},
			`plan: id "` + strings.Repeat("x", 129) + `" must be at most 128 characters without spaces or slashes`},
		{"no origin", Plan{ID: "a", Destination: "MGGT"}, twoAirports, Plan{}, "plan a: origin is required"},
		{"no destination", Plan{ID: "a", Origin: "KBIF"}, twoAirports, Plan{}, "plan a: destination is required"},
		{"bad hex", Plan{ID: "a", Origin: "KBIF", Destination: "MGGT", Hex: "zz"}, twoAirports, Plan{}, `plan a: hex "zz" is not 6 hex digits`},
		{"long callsign", Plan{ID: "a", Origin: "KBIF", Destination: "MGGT", Callsign: "ABCDEFGHI"}, twoAirports, Plan{},
			`plan a: callsign "ABCDEFGHI" longer than 8`},
		{"unknown origin", Plan{ID: "a", Origin: "KDEN", Destination: "MGGT"}, twoAirports, Plan{}, `plan a: unknown origin airport "KDEN"`},
		{"unknown destination", Plan{ID: "a", Origin: "KBIF", Destination: "zzzz"}, twoAirports, Plan{}, `plan a: unknown destination airport "ZZZZ"`},
		{"no index", Plan{ID: "a", Origin: "KBIF", Destination: "MGGT"}, nil, Plan{}, `plan a: unknown origin airport "KBIF"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.in
			err := p.Normalize(tt.ix)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrPlan) {
					t.Fatalf("Normalize(%+v) = %v, want %q matching ErrPlan", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Normalize(%+v) = %v", tt.in, err)
			}
			if p != tt.want {
				t.Errorf("Normalize(%+v) left %+v, want %+v", tt.in, p, tt.want)
			}
		})
	}
}
