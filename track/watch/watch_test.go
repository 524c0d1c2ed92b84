package watch

import (
	"errors"
	"strings"
	"testing"

	"github.com/flightwatch/flightwatch/flight"
)

func TestLoadWatchlist(t *testing.T) {
	tests := []struct {
		name, in string
		wantErr  bool
	}{
		{"good", "entries:\n  - name: usaf\n    callsign_prefix: [RCH]\n    type: C17\n    tags: [military]\n  - name: one\n    hex: ae1234\n", false},
		{"unknown key", "entries:\n  - name: x\n    hex: ae1234\n    colour: red\n", true},
		{"no matcher", "entries:\n  - name: x\n", true},
		{"bad hex", "entries:\n  - name: x\n    hex: zz\n", true},
		{"duplicate", "entries:\n  - name: x\n    hex: ae1234\n  - name: x\n    type: C17\n", true},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr || (err != nil && !errors.Is(err, ErrList)) {
				t.Errorf("Load() error = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
}

func TestWatchlistMatch(t *testing.T) {
	yml, _ := Load(strings.NewReader("entries:\n  - name: usaf\n    callsign_prefix: [RCH]\n    type: [C17]\n    tags: [airlift]\n  - name: one\n    hex: ae1234\n  - name: gxa\n    operator: GXA\n"))
	csvW, err := LoadPlaneAlertCSV(strings.NewReader("$ICAO,$Registration,$Operator,$Type,$ICAO Type,#CMPG,$Tag 1,$#Tag 2,$#Tag 3,Category,$#Link\nAE5678,05-5140,USAF,Boeing C-17,C17,Mil,Moose,,,Dictator Alert,http://x\nbad,,,,,,,,,,\n"))
	if err != nil {
		t.Fatalf("LoadPlaneAlertCSV() = %v", err)
	}
	w := yml.Merge(csvW)
	tests := []struct {
		name  string
		a     flight.Aircraft
		entry string
		ok    bool
	}{
		{"hex first", flight.Aircraft{Observation: flight.Observation{Hex: "ae1234", Callsign: "RCH1"}}, "one", true},
		{"csv hex", flight.Aircraft{Observation: flight.Observation{Hex: "ae5678"}}, "USAF (05-5140)", true},
		{"registration", flight.Aircraft{Observation: flight.Observation{Hex: "000001", Reg: "055140"}}, "USAF (05-5140)", true},
		{"callsign prefix", flight.Aircraft{Observation: flight.Observation{Hex: "000002", Callsign: "RCH821"}}, "usaf", true},
		{"type", flight.Aircraft{Observation: flight.Observation{Hex: "000003", Type: "C17"}}, "usaf", true},
		{"operator designator", flight.Aircraft{Observation: flight.Observation{Hex: "000004", Callsign: "GXA1"}}, "gxa", true},
		{"none", flight.Aircraft{Observation: flight.Observation{Hex: "000005", Callsign: "AAL1"}}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, ok := w.Match(&tt.a)
			if e != tt.entry || ok != tt.ok {
				t.Errorf("Match(%+v) = %q, %v, want %q, %v", tt.a.Observation, e, ok, tt.entry, tt.ok)
			}
		})
	}
	_, tags, ok := w.Match(&flight.Aircraft{Observation: flight.Observation{Hex: "000006", Military: true}})
	if ok || len(tags) != 1 || tags[0] != "military" {
		t.Errorf("Match(military) = %v, %v, want [military], false", tags, ok)
	}
}

func FuzzLoadWatchlist(f *testing.F) {
	f.Add("entries:\n  - name: a\n    hex: ae1234\n")
	f.Fuzz(func(t *testing.T, s string) {
		w, err := Load(strings.NewReader(s))
		if err == nil {
			w.Match(&flight.Aircraft{Observation: flight.Observation{Hex: "ae1234", Callsign: "RCH1"}})
		}
	})
}

func FuzzLoadPlaneAlertCSV(f *testing.F) {
	f.Add("$ICAO,$Registration\nae1234,X\n")
	f.Fuzz(func(t *testing.T, s string) { LoadPlaneAlertCSV(strings.NewReader(s)) })
}
