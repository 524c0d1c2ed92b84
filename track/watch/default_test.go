package watch

import (
	"os"
	"testing"

	"github.com/flightwatch/flightwatch/flight"
)

// TestDefaultWatchlist loads the monitor's default watchlist: every entry
// names its source, and it watches what public monitors watch.
func TestDefaultWatchlist(t *testing.T) {
	w, err := Load(openFile(t, "../../configs/watchlist.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range w.entries {
		if e.Source == "" {
			t.Errorf("entry %s has no source", e.Name)
		}
	}
	tests := []struct {
		name string
		ac   flight.Observation
		want string
	}{
		{"REACH callsign", flight.Observation{Hex: "ae0001", Callsign: "RCH538"}, "usaf-air-mobility"},
		{"C-17 without a callsign", flight.Observation{Hex: "ae0002", Type: "C17"}, "military-airlifters"},
		{"C-130J", flight.Observation{Hex: "ae0003", Type: "C30J"}, "military-airlifters"},
		{"C-5M", flight.Observation{Hex: "ae0004", Type: "C5M"}, "military-airlifters"},
		{"GlobalX", flight.Observation{Hex: "a00005", Callsign: "GXA1234"}, "globalx"},
		{"Avelo", flight.Observation{Hex: "a00006", Callsign: "VXP812"}, "avelo"},
		{"Eastern", flight.Observation{Hex: "a00007", Callsign: "EAL3301"}, "eastern"},
		{"iAero", flight.Observation{Hex: "a00008", Callsign: "SWQ4521"}, "iaero"},
		{"World Atlantic", flight.Observation{Hex: "a00009", Callsign: "WAL8001"}, "world-atlantic"},
		{"Omni", flight.Observation{Hex: "a0000a", Callsign: "OAE331"}, "omni"},
		{"a designator followed by letters is not the operator", flight.Observation{Hex: "a0000b", Callsign: "EALPHA"}, ""},
		{"airliner", flight.Observation{Hex: "a0000c", Callsign: "AAL100", Type: "B738"}, ""},
	}
	for _, tt := range tests {
		got, _, _ := w.Match(&flight.Aircraft{Observation: tt.ac})
		if got != tt.want {
			t.Errorf("%s: Match() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestHexWinsOverCallsign: a hex entry wins over a callsign, type or
// operator entry for the same aircraft, whatever the order of entries or
// lists merged.
func TestHexWinsOverCallsign(t *testing.T) {
	byCall := New([]Entry{{Name: "charter", Operator: []string{"GXA"}, CallsignPrefix: []string{"GXA"}, Type: []string{"A320"}}}, nil)
	byHex := New([]Entry{{Name: "tail", Hex: []string{"a1b2c3"}, Tags: []string{"removal-flight"}}}, nil)
	for _, w := range []*List{byCall.Merge(byHex), byHex.Merge(byCall)} {
		got, tags, _ := w.Match(&flight.Aircraft{Observation: flight.Observation{Hex: "a1b2c3", Callsign: "GXA123", Type: "A320"}})
		if got != "tail" || len(tags) != 1 {
			t.Errorf("Match() = %q %v, want the hex entry", got, tags)
		}
	}
}

func openFile(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
