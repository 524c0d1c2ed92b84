package configs

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/track"
)

// Tracker is the tracker section: track.Config, whose fields carry their
// YAML keys and defaults, and the options the process itself reads.
type Tracker struct {
	track.Config `yaml:",inline"`
	// RoutesFile is a callsign route table in the Virtual Radar Server
	// standing-data layout (Callsign,Code,Number,AirlineCode,AirportCodes;
	// stops ICAO or IATA, joined by -) for the route basis of predictions;
	// relative to the configuration file. Bad rows are skipped, logged and
	// counted in the flightwatch_routes metrics. Reloaded on SIGHUP.
	// Default: none.
	RoutesFile string `yaml:"routes_file"`
	// HistoryWindow: how far back stored legs are read at startup to
	// rebuild each watched airframe's history. Default 2160h (90 days).
	HistoryWindow time.Duration `yaml:"history_window"`
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

// Validate checks the prediction options, the time scale, and the
// country codes against countries (nil: codes are not checked).
func (t Tracker) Validate(countries *geo.CountryIndex) error {
	if c := t.PredictMinConfidence; c < 0 || c > 1 || math.IsNaN(c) {
		return fmt.Errorf("tracker.predict_min_confidence %v: want 0..1", c)
	}
	if s := t.TimeScale; s < 0 || math.IsNaN(s) || math.IsInf(s, 0) {
		return fmt.Errorf("tracker.time_scale %v: want 1 (live) or more", s)
	}
	if countries == nil {
		return nil
	}
	if c := strings.TrimSpace(t.HomeCountry); c != "" {
		if _, ok := countries.Country(c); !ok {
			return fmt.Errorf("tracker.home_country %q: not a Natural Earth ADM0_A3 code (e.g. USA)", t.HomeCountry)
		}
	}
	return nil
}
