package configs

import (
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/geo"
)

func TestRetentionPolicy(t *testing.T) {
	tests := []struct {
		name                          string
		file                          string
		tracks, legs, alerts, reports time.Duration
		legPoints                     int
	}{
		{"defaults", "testdata/minimal.good.yml", 720 * time.Hour, 0, 0, 0, 0},
		{"set, 0 keeps", "testdata/retention.good.yml", 0, 8760 * time.Hour, 2160 * time.Hour, 0, 5000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(tc.file, noEnv, geo.Countries())
			if err != nil {
				t.Fatal(err)
			}
			tr, l, a, r := c.Store.Retention.Policy()
			if tr != tc.tracks || l != tc.legs || a != tc.alerts || r != tc.reports || c.Store.LegPoints != tc.legPoints {
				t.Errorf("Policy() = %v %v %v %v, leg_points %d; want %v %v %v %v, %d", tr, l, a, r, c.Store.LegPoints,
					tc.tracks, tc.legs, tc.alerts, tc.reports, tc.legPoints)
			}
		})
	}
}
