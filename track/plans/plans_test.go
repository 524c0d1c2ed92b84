package plans

import (
	"errors"
	"strings"
	"testing"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
)

func TestLoad(t *testing.T) {
	airports, err := geo.EmbeddedAirports()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in string
		n        int
		wantErr  string
	}{
		{"good", "plans:\n  - id: cbp-1\n    origin: kbif\n    destination: GUA\n    hex: AE1234\n    callsign: rch821\n    departure: 2025-01-24T14:00:00Z\n", 1, ""},
		{"empty", "", 0, ""},
		{"unknown key", "plans:\n  - id: a\n    origin: KBIF\n    destination: MGGT\n    gate: 3\n", 0,
			"(any yaml error)"},
		{"missing destination", "plans:\n  - id: a\n    origin: KBIF\n", 0, "plans[0]: plan a: destination is required"},
		{"unknown airport", "plans:\n  - id: a\n    origin: KBIF\n    destination: ZZZZ\n", 0, `plans[0]: plan a: unknown destination airport "ZZZZ"`},
		{"slash in id", "plans:\n  - id: a/b\n    origin: KBIF\n    destination: MGGT\n", 0,
			`plans[0]: plan: id "a/b" must be at most 128 characters without spaces or slashes`},
		{"bad time", "plans:\n  - id: a\n    origin: KBIF\n    destination: MGGT\n    departure: tomorrow\n", 0,
			`flight: bad plan: plans[0] "a": departure "tomorrow" is not RFC 3339`},
		{"duplicate", "plans:\n  - {id: a, origin: KBIF, destination: MGGT}\n  - {id: a, origin: KBIF, destination: MGGT}\n", 0,
			`flight: bad plan: plans[1] "a": duplicate id`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := Load(strings.NewReader(tt.in), airports)
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, flight.ErrPlan) || (tt.name != "unknown key" && err.Error() != tt.wantErr) {
					t.Fatalf("Load() = %v, want %q matching flight.ErrPlan", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(ps) != tt.n {
				t.Fatalf("Load() = %d plans, %v; want %d", len(ps), err, tt.n)
			}
			if tt.n > 0 && (ps[0].Origin != "KBIF" || ps[0].Destination != "MGGT" || ps[0].Hex != "ae1234" || ps[0].Callsign != "RCH821") {
				t.Errorf("Load() = %+v, not normalised", ps[0])
			}
		})
	}
}

func FuzzLoad(f *testing.F) {
	airports := geo.Airports()
	f.Add("plans:\n  - id: cbp-1\n    origin: KBIF\n    destination: MGGT\n    departure: 2025-01-24T14:00:00Z\n")
	f.Add("plans: [{id: a, origin: bif, destination: gua, hex: '~abc123'}]")
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := Load(strings.NewReader(s), airports)
		if err != nil && !errors.Is(err, flight.ErrPlan) {
			t.Fatalf("Load(%q) = %v, not matching flight.ErrPlan", s, err)
		}
		for _, p := range ps {
			q := p
			if err := q.Normalize(airports); err != nil || q != p {
				t.Fatalf("Load(%q) gave %+v, which normalises again to %+v, %v", s, p, q, err)
			}
		}
	})
}
