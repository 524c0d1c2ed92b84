package track

import (
	"strings"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/track/geofence"
)

type fence struct {
	geofence.Fence
	bound orb.Bound
}

// buildFences indexes the configured geofences and the outlines of
// Config.GeofenceCountries (unknown codes are logged and skipped).
func (t *Tracker) buildFences(gs []geofence.Fence, countries *geo.CountryIndex) {
	for _, g := range gs {
		t.fences = append(t.fences, fence{g, g.Area.Bound()})
	}
	for _, code := range t.cfg.GeofenceCountries {
		mp, ok := countries.Polygon(code)
		if !ok {
			t.log.Warn("unknown geofence country", "code", code)
			continue
		}
		t.fences = append(t.fences, fence{geofence.Fence{Name: strings.ToUpper(code), Area: mp}, mp.Bound()})
	}
}
