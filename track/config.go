package track

import (
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/geo"
)

// Config holds the tracker's thresholds. The zero value of every field
// means its default, given in the field's comment. The YAML keys are those
// of the tracker section of configs/flightwatch.yaml.
type Config struct {
	// TakeoffSpeedKt: ground speed at or above which a low aircraft may be
	// on its take-off roll or airborne, and below which a low aircraft is
	// on the ground. Default 60 kt.
	TakeoffSpeedKt float64 `yaml:"takeoff_speed_kt"`
	// AirborneAboveFt: altitude above the nearby field's elevation (or
	// above sea level with no field nearby) beyond which an aircraft is
	// airborne whatever its speed. Barometric altitude reads several
	// hundred feet off on the ground, hence the margin. Default 800 ft.
	AirborneAboveFt float64 `yaml:"airborne_above_ft"`
	// AirportNearKm: radius in which the nearest airport gives the ground
	// elevation. Default 10 km.
	AirportNearKm float64 `yaml:"airport_near_km"`
	// SignalLost: airborne silence, away from airports, after which the
	// leg is marked signal_lost. Decoders drop a position after 60 s, so
	// this must be well past that; aggregated feeds show real gaps of
	// five minutes over land. Default 10 min.
	SignalLost time.Duration `yaml:"signal_lost"`
	// LandedSilence: silence after which an aircraft whose last fix was
	// within LandedNearKm of an airport and below LandedBelowFt above it
	// is taken to have landed there. Default 2 min.
	LandedSilence time.Duration `yaml:"landed_silence"`
	// LandedNearKm: how close to an airport a last fix must be to count as
	// a landing. Default 9.26 km (5 nm).
	LandedNearKm float64 `yaml:"landed_near_km"`
	// LandedBelowFt: how low above the airport a last fix must be to count
	// as a landing. Default 2,000 ft.
	LandedBelowFt float64 `yaml:"landed_below_ft"`
	// NotDepartedGrace: time after a plan's departure with no take-off
	// seen before not_departed is raised. Default 60 min.
	NotDepartedGrace time.Duration `yaml:"not_departed_grace"`
	// NotDepartedMaxAge: plans whose departure plus grace is older than
	// this (against the feed clock) are not alerted on, so loading old
	// plans raises nothing. Default 24 h.
	NotDepartedMaxAge time.Duration `yaml:"not_departed_max_age"`
	// HoldingTurnDeg: cumulative turn in one direction within
	// HoldingWindow that makes a hold. Default 360°.
	HoldingTurnDeg float64 `yaml:"holding_turn_deg"`
	// HoldingWindow: see HoldingTurnDeg. Default 10 min.
	HoldingWindow time.Duration `yaml:"holding_window"`
	// HoldingMaxProgress: a hold also makes little progress: the straight
	// distance covered over the window is at most this fraction of the
	// path flown in it. Default 0.35.
	HoldingMaxProgress float64 `yaml:"holding_max_progress"`
	// HoldingLowFt and HoldingLowNearKm: turns flown lower than
	// HoldingLowFt above, and within HoldingLowNearKm of, the planned
	// destination or the nearest airport are a circuit, a go-around or an
	// approach, not a hold: the holding window starts afresh there.
	// Defaults 3,000 ft and 15 km.
	HoldingLowFt     float64 `yaml:"holding_low_ft"`
	HoldingLowNearKm float64 `yaml:"holding_low_near_km"`
	// TurnBackMinKm: how far from its origin an aircraft must have flown,
	// and how much of that distance it must win back, before a reversal
	// counts as turning back. Default 40 km.
	TurnBackMinKm float64 `yaml:"turn_back_min_km"`
	// TurnBackMinFraction: the share of its greatest distance from the
	// origin the aircraft must win back (a diversion to an alternate behind
	// the destination wins back little). Default 0.1.
	TurnBackMinFraction float64 `yaml:"turn_back_min_fraction"`
	// TurnBackDuration: how long the aircraft must keep heading toward its
	// origin (within TurnBackMaxOffDeg) while closing on it. Default 4 min.
	TurnBackDuration time.Duration `yaml:"turn_back_duration"`
	// TurnBackMaxOffDeg: the largest angle between the track and the
	// bearing to the origin that still counts as heading back. Default 60°.
	TurnBackMaxOffDeg float64 `yaml:"turn_back_max_off_deg"`
	// OffRouteMinNM and OffRouteFraction give the planned corridor's half
	// width: max(OffRouteMinNM, OffRouteFraction × route length).
	// Defaults 50 nm and 0.2 (DESIGN.md).
	OffRouteMinNM    float64 `yaml:"off_route_min_nm"`
	OffRouteFraction float64 `yaml:"off_route_fraction"`
	// TrailEvery and TrailTurnDeg thin the trail: a point is kept when
	// TrailEvery has passed since the last kept one, or the track turned
	// by more than TrailTurnDeg, or the phase changed. Defaults 5 s, 5°.
	TrailEvery   time.Duration `yaml:"trail_every"`
	TrailTurnDeg float64       `yaml:"trail_turn_deg"`
	// MaxJumpKt: a position implying more than this speed from the last
	// accepted one is dropped as a decoder glitch (three in a row are
	// taken as the truth). Default 2,300 kt (about Mach 3.5).
	MaxJumpKt float64 `yaml:"max_jump_kt"`
	// PlanOriginKm: how close to a plan's origin a leg must start for the
	// plan to match it. Default 50 km.
	PlanOriginKm float64 `yaml:"plan_origin_km"`
	// PlanWindow: how far a leg's take-off (or first sighting) may lie
	// from a plan's departure for the plan to match it. Default 6 h.
	PlanWindow time.Duration `yaml:"plan_window"`
	// StateTTL: aircraft silent for longer are forgotten by Tick.
	// Default 12 h.
	StateTTL time.Duration `yaml:"state_ttl"`
	// PredictMinConfidence: a watched leg with no plan raises diverted
	// when it lands away from a destination predicted with at least this
	// confidence (0-1) and held for PredictMinHold. The course basis stays
	// below 0.5 by design, so by default only a plan, the airframe's
	// history (two consistent earlier flights, or one and the same mission
	// chain) or the route table can make a diversion. Default 0.6.
	PredictMinConfidence float64 `yaml:"predict_min_confidence"`
	// PredictMinHold: how long a prediction must have been held before
	// a landing elsewhere is a diversion. Default 10 min.
	PredictMinHold time.Duration `yaml:"predict_min_hold"`
	// PredictEvery: how often the course prediction of an airborne leg is
	// worked out again. Default 30 s.
	PredictEvery time.Duration `yaml:"predict_every"`
	// MissionWindow: legs of one airframe that follow each other within
	// this span (landing to next take-off) form a mission chain, e.g.
	// hub -> hub -> abroad. Default 24 h.
	MissionWindow time.Duration `yaml:"mission_window"`
	// HomeCountry is the Natural Earth ADM0_A3 code legs are classified
	// against (removal, domestic, return, foreign). Default "USA".
	HomeCountry string `yaml:"home_country"`
	// GeofenceCountries lists ADM0_A3 country codes (e.g. "MEX", "GTM")
	// whose outlines act as geofences, in addition to Deps.Geofences.
	GeofenceCountries []string `yaml:"geofence_countries"`
	// TimeScale tracks a replay played TimeScale times faster than real
	// time (its observation times compressed by that factor): every
	// duration above, written in real time, is divided by it (so are the
	// tracker's own fixed spans: hold sampling, field carry-over, climb
	// rate), and MaxJumpKt multiplied, so a compressed flight raises the
	// alerts the real one would. Zero, 1 or less: live data, unchanged.
	TimeScale float64 `yaml:"time_scale"`

	// scale is TimeScale when above 1, else 1: withDefaults sets it, and
	// the tracker divides its fixed spans (hold sampling, field carry-over,
	// climb-rate interval) by it.
	scale float64
}

// realSpan returns d, a span written in real time, on the feed's clock.
func (c Config) realSpan(d time.Duration) time.Duration {
	if c.scale <= 1 {
		return d
	}
	return time.Duration(float64(d) / c.scale)
}

func (c Config) withDefaults() Config {
	setF := func(v *float64, d float64) {
		if *v <= 0 {
			*v = d
		}
	}
	setD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	setF(&c.TakeoffSpeedKt, 60)
	setF(&c.AirborneAboveFt, 800)
	setF(&c.AirportNearKm, 10)
	setD(&c.SignalLost, 10*time.Minute)
	setD(&c.LandedSilence, 2*time.Minute)
	setF(&c.LandedNearKm, 9.26)
	setF(&c.LandedBelowFt, 2000)
	setD(&c.NotDepartedGrace, 60*time.Minute)
	setD(&c.NotDepartedMaxAge, 24*time.Hour)
	setF(&c.HoldingTurnDeg, 360)
	setD(&c.HoldingWindow, 10*time.Minute)
	setF(&c.HoldingMaxProgress, 0.35)
	setF(&c.HoldingLowFt, 3000)
	setF(&c.HoldingLowNearKm, 15)
	setF(&c.TurnBackMinKm, 40)
	setF(&c.TurnBackMinFraction, 0.1)
	setD(&c.TurnBackDuration, 4*time.Minute)
	setF(&c.TurnBackMaxOffDeg, 60)
	setF(&c.OffRouteMinNM, 50)
	setF(&c.OffRouteFraction, 0.2)
	setD(&c.TrailEvery, 5*time.Second)
	setF(&c.TrailTurnDeg, 5)
	setF(&c.MaxJumpKt, geo.MaxJumpKt)
	setF(&c.PlanOriginKm, 50)
	setD(&c.PlanWindow, 6*time.Hour)
	setD(&c.StateTTL, 12*time.Hour)
	setF(&c.PredictMinConfidence, 0.6)
	setD(&c.PredictMinHold, 10*time.Minute)
	setD(&c.PredictEvery, 30*time.Second)
	setD(&c.MissionWindow, 24*time.Hour)
	if c.HomeCountry == "" {
		c.HomeCountry = "USA"
	}
	c.HomeCountry = strings.ToUpper(strings.TrimSpace(c.HomeCountry))
	c.scale = 1
	if c.TimeScale > 1 {
		c.scale = c.TimeScale
		for _, d := range []*time.Duration{&c.SignalLost, &c.LandedSilence, &c.NotDepartedGrace,
			&c.NotDepartedMaxAge, &c.HoldingWindow, &c.TurnBackDuration, &c.TrailEvery, &c.PlanWindow, &c.StateTTL,
			&c.PredictMinHold, &c.PredictEvery, &c.MissionWindow} {
			*d = time.Duration(float64(*d) / c.TimeScale)
		}
		c.MaxJumpKt *= c.TimeScale
	}
	return c
}
