package configs

import (
	"reflect"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/track"
)

// TestTrackerSection: the tracker section decodes straight into
// track.Config under the keys it always had. The documented file gives
// every default explicitly; an absent section leaves track.Config zero
// (every field its default, applied by the tracker).
func TestTrackerSection(t *testing.T) {
	documented := track.Config{
		TakeoffSpeedKt: 60, AirborneAboveFt: 800, AirportNearKm: 10,
		SignalLost: 10 * time.Minute, LandedSilence: 2 * time.Minute, LandedNearKm: 9.26, LandedBelowFt: 2000,
		NotDepartedGrace: 60 * time.Minute, NotDepartedMaxAge: 24 * time.Hour,
		HoldingTurnDeg: 360, HoldingWindow: 10 * time.Minute, HoldingMaxProgress: 0.35, HoldingLowFt: 3000, HoldingLowNearKm: 15,
		TurnBackMinKm: 40, TurnBackMinFraction: 0.1, TurnBackDuration: 4 * time.Minute, TurnBackMaxOffDeg: 60,
		OffRouteMinNM: 50, OffRouteFraction: 0.2, TrailEvery: 5 * time.Second, TrailTurnDeg: 5, MaxJumpKt: 2300,
		PlanOriginKm: 50, PlanWindow: 6 * time.Hour, StateTTL: 12 * time.Hour, GeofenceCountries: []string{},
		TimeScale: 1, PredictMinConfidence: 0.6, PredictMinHold: 10 * time.Minute, PredictEvery: 30 * time.Second,
		MissionWindow: 24 * time.Hour, HomeCountry: "USA",
	}
	tests := []struct {
		file    string
		want    track.Config
		routes  string
		history time.Duration
	}{
		{"flightwatch.yaml", documented, "", 2160 * time.Hour},
		{"testdata/minimal.good.yml", track.Config{}, "", 0},
		{"testdata/predict.good.yml", track.Config{PredictMinConfidence: 0.7, PredictMinHold: 5 * time.Minute, HomeCountry: "usa"}, "routes.csv", 0},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := Load(tt.file, noEnv, geo.Countries())
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Tracker.Config, tt.want) {
				t.Errorf("Load(%s).Tracker.Config = %+v, want %+v", tt.file, c.Tracker.Config, tt.want)
			}
			if c.Tracker.RoutesFile != tt.routes || c.Tracker.HistoryWindow != tt.history {
				t.Errorf("Load(%s) routes_file %q, history_window %v; want %q, %v", tt.file, c.Tracker.RoutesFile, c.Tracker.HistoryWindow, tt.routes, tt.history)
			}
		})
	}
	if got := Default().Tracker; !reflect.DeepEqual(got, Tracker{}) || got.History() != DefaultHistoryWindow {
		t.Errorf("Default().Tracker = %+v (history %v), want zero (history %v)", got, got.History(), DefaultHistoryWindow)
	}
}
