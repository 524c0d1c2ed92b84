package server

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGoldenFeatures compares encoded features with testdata/*.golden.json.
func TestGoldenFeatures(t *testing.T) {
	t0 := time.Date(2025, 1, 24, 14, 3, 5, 0, time.UTC)
	a := flight.Aircraft{Observation: flight.Observation{Hex: "ae1234", Time: t0, Lat: 31.85, Lon: -106.38,
		AltFt: 4500, GSKt: 250.25, TrackDeg: 135, VRateFPM: -500, OnGround: false,
		Has:      flight.HasAlt | flight.HasGS | flight.HasTrack | flight.HasVRate | flight.HasGround,
		Callsign: "RCH821", Reg: "05-5140", Type: "C17", Squawk: "1234", Military: true, Source: "x"},
		Phase: flight.PhaseClimb, Tags: []string{"military", "removal-charter"}, Watch: "ice-air", Leg: "ae1234-1737727200"}
	sparse := flight.Aircraft{Observation: flight.Observation{Hex: "~abc123", Time: t0, Lat: -33.9, Lon: 151.2, Callsign: "Q\"F\x01"}}
	alert := flight.Alert{ID: "7", Key: "k", Type: flight.AlertDiverted, Time: t0, Hex: "ae1234", Callsign: "RCH821",
		Plan: "cbp-1", Flight: "ae1234-1737727200", Message: "landed at MHLM, planned MGGT", Origin: "KBIF",
		PlannedDestination: "MGGT", ActualDestination: "MHLM", Lat: 15.45, Lon: -87.92}
	tests := []struct {
		name string
		enc  []byte
	}{
		{"aircraft", appendAircraftFeature(nil, &a)},
		{"aircraft_sparse", appendAircraftFeature(nil, &sparse)},
		{"alert", appendAlertFeature(nil, &alert)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, tt.enc, "", "  "); err != nil {
				t.Fatalf("encoded %s is not JSON: %v", tt.enc, err)
			}
			pretty.WriteByte('\n')
			path := filepath.Join("testdata", tt.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Errorf("%s =\n%s\nwant\n%s", tt.name, pretty.Bytes(), want)
			}
		})
	}
}
