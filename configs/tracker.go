package configs

import (
	"fmt"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/geo"

	"github.com/flightwatch/flightwatch/track"
)

// Tracker tunes flight legs and alert detectors; zero fields take the
// tracker's defaults (see track.Config for each one's meaning).
type Tracker struct {
	TakeoffSpeedKt      float64       `yaml:"takeoff_speed_kt"`       // default 60
	AirborneAboveFt     float64       `yaml:"airborne_above_ft"`      // default 800
	AirportNearKm       float64       `yaml:"airport_near_km"`        // default 10
	SignalLost          time.Duration `yaml:"signal_lost"`            // default 10m
	LandedSilence       time.Duration `yaml:"landed_silence"`         // default 2m
	LandedNearKm        float64       `yaml:"landed_near_km"`         // default 9.26 (5 nm)
	LandedBelowFt       float64       `yaml:"landed_below_ft"`        // default 2000
	NotDepartedGrace    time.Duration `yaml:"not_departed_grace"`     // default 60m
	NotDepartedMaxAge   time.Duration `yaml:"not_departed_max_age"`   // default 24h
	HoldingTurnDeg      float64       `yaml:"holding_turn_deg"`       // default 360
	HoldingWindow       time.Duration `yaml:"holding_window"`         // default 10m
	HoldingMaxProgress  float64       `yaml:"holding_max_progress"`   // default 0.35
	HoldingLowFt        float64       `yaml:"holding_low_ft"`         // default 3000: lower turns near an airport are circuits, not holds
	HoldingLowNearKm    float64       `yaml:"holding_low_near_km"`    // default 15
	TurnBackMinKm       float64       `yaml:"turn_back_min_km"`       // default 40
	TurnBackMinFraction float64       `yaml:"turn_back_min_fraction"` // default 0.1
	TurnBackDuration    time.Duration `yaml:"turn_back_duration"`     // default 4m
	TurnBackMaxOffDeg   float64       `yaml:"turn_back_max_off_deg"`  // default 60
	OffRouteMinNM       float64       `yaml:"off_route_min_nm"`       // default 50
	OffRouteFraction    float64       `yaml:"off_route_fraction"`     // default 0.2
	TrailEvery          time.Duration `yaml:"trail_every"`            // default 5s
	TrailTurnDeg        float64       `yaml:"trail_turn_deg"`         // default 5
	MaxJumpKt           float64       `yaml:"max_jump_kt"`            // default 2300 (about Mach 3.5)
	PlanOriginKm        float64       `yaml:"plan_origin_km"`         // default 50
	PlanWindow          time.Duration `yaml:"plan_window"`            // default 6h
	StateTTL            time.Duration `yaml:"state_ttl"`              // default 12h
	GeofenceCountries   []string      `yaml:"geofence_countries"`     // ADM0_A3 codes, e.g. MEX
	// RoutesFile is a callsign route table in the Virtual Radar Server
	// standing-data layout (Callsign,Code,Number,AirlineCode,AirportCodes;
	// stops ICAO or IATA, joined by -) for the route basis of predictions;
	// relative to the configuration file. Bad rows are skipped, logged and
	// counted in the flightwatch_routes metrics. Reloaded on SIGHUP.
	// Default: none.
	RoutesFile string `yaml:"routes_file"`
	// PredictMinConfidence: a watched leg with no plan that lands away
	// from a destination predicted with at least this confidence raises
	// diverted. Default 0.6.
	PredictMinConfidence float64 `yaml:"predict_min_confidence"`
	// PredictMinHold: how long that prediction must have been held.
	// Default 10m.
	PredictMinHold time.Duration `yaml:"predict_min_hold"`
	// PredictEvery: how often the course prediction is worked out again.
	// Default 30s.
	PredictEvery time.Duration `yaml:"predict_every"`
	// MissionWindow: landing to next take-off within this span chains legs
	// into one mission. Default 24h.
	MissionWindow time.Duration `yaml:"mission_window"`
	// HistoryWindow: how far back stored legs are read at startup to
	// rebuild each watched airframe's history. Default 2160h (90 days).
	HistoryWindow time.Duration `yaml:"history_window"`
	// HomeCountry: the Natural Earth ADM0_A3 code legs are classified
	// against. Default USA.
	HomeCountry string `yaml:"home_country"`
	// TimeScale tracks a replay played this many times faster than real
	// time: durations are divided by it. Default 1; the demo uses 60.
	TimeScale float64 `yaml:"time_scale"`
}

// TrackConfig returns the tracker's configuration.
func (t Tracker) TrackConfig() track.Config {
	return track.Config{
		TakeoffSpeedKt: t.TakeoffSpeedKt, AirborneAboveFt: t.AirborneAboveFt, AirportNearKm: t.AirportNearKm,
		SignalLost: t.SignalLost, LandedSilence: t.LandedSilence, LandedNearKm: t.LandedNearKm,
		LandedBelowFt: t.LandedBelowFt, NotDepartedGrace: t.NotDepartedGrace, NotDepartedMaxAge: t.NotDepartedMaxAge,
		HoldingTurnDeg: t.HoldingTurnDeg, HoldingWindow: t.HoldingWindow, HoldingMaxProgress: t.HoldingMaxProgress, HoldingLowFt: t.HoldingLowFt, HoldingLowNearKm: t.HoldingLowNearKm,
		TurnBackMinKm: t.TurnBackMinKm, TurnBackMinFraction: t.TurnBackMinFraction, TurnBackDuration: t.TurnBackDuration, TurnBackMaxOffDeg: t.TurnBackMaxOffDeg,
		OffRouteMinNM: t.OffRouteMinNM, OffRouteFraction: t.OffRouteFraction,
		TrailEvery: t.TrailEvery, TrailTurnDeg: t.TrailTurnDeg, MaxJumpKt: t.MaxJumpKt,
		PlanOriginKm: t.PlanOriginKm, PlanWindow: t.PlanWindow, StateTTL: t.StateTTL,
		GeofenceCountries: t.GeofenceCountries, TimeScale: t.TimeScale,
		PredictMinConfidence: t.PredictMinConfidence, PredictMinHold: t.PredictMinHold, PredictEvery: t.PredictEvery,
		MissionWindow: t.MissionWindow, HomeCountry: t.HomeCountry,
	}
}

// DefaultHistoryWindow is HistoryWindow's default.
const DefaultHistoryWindow = 90 * 24 * time.Hour

// History returns HistoryWindow, or its default when unset.
func (t Tracker) History() time.Duration {
	if t.HistoryWindow <= 0 {
		return DefaultHistoryWindow
	}
	return t.HistoryWindow
}

// Validate checks the prediction options.
func (t Tracker) Validate() error {
	if t.PredictMinConfidence < 0 || t.PredictMinConfidence > 1 {
		return fmt.Errorf("tracker.predict_min_confidence %v: want 0..1", t.PredictMinConfidence)
	}
	if c := strings.TrimSpace(t.HomeCountry); c != "" {
		if _, ok := geo.Countries().Country(c); !ok {
			return fmt.Errorf("tracker.home_country %q: not a Natural Earth ADM0_A3 code (e.g. USA)", t.HomeCountry)
		}
	}
	return nil
}
