package track

import (
	"fmt"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/geo"
)

// Geofence is a named area; watched or planned aircraft raise a geofence
// alert on entering it and a cleared one on leaving.
type Geofence struct {
	Name string
	Area orb.MultiPolygon
}

type fence struct {
	Geofence
	bound orb.Bound
}

// GeofenceConfig is a configured geofence (the geofences section of the
// configuration file): a polygon ([[lon, lat], ...], closed or not) and/or
// countries by Natural Earth ADM0_A3 code (e.g. MEX, COL).
type GeofenceConfig struct {
	Name      string       `yaml:"name"`
	Polygon   [][2]float64 `yaml:"polygon"`
	Countries []string     `yaml:"countries"`
}

// Validate checks what needs no country index: a name, a polygon of 3 or
// more points in range, or countries.
func (g GeofenceConfig) Validate() error {
	if g.Name == "" {
		return fmt.Errorf("name is required")
	}
	if len(g.Polygon) == 0 && len(g.Countries) == 0 {
		return fmt.Errorf("needs a polygon or countries")
	}
	if len(g.Polygon) > 0 && len(g.Polygon) < 3 {
		return fmt.Errorf("polygon has %d points, want 3 or more", len(g.Polygon))
	}
	for i, p := range g.Polygon {
		lon, lat := p[0], p[1]
		if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
			return fmt.Errorf("polygon point %d [%g, %g]: want [lon -180..180, lat -90..90]", i, lon, lat)
		}
	}
	return nil
}

// Geofences builds the areas of cfgs, each checked by Validate, their
// countries' outlines taken from countries.
func Geofences(cfgs []GeofenceConfig, countries *geo.CountryIndex) ([]Geofence, error) {
	var out []Geofence
	for _, g := range cfgs {
		if err := g.Validate(); err != nil {
			return nil, fmt.Errorf("geofence %q: %w", g.Name, err)
		}
		f := Geofence{Name: g.Name}
		if len(g.Polygon) > 0 {
			ring := make(orb.Ring, 0, len(g.Polygon)+1)
			for _, p := range g.Polygon {
				ring = append(ring, orb.Point{p[0], p[1]})
			}
			if ring[0] != ring[len(ring)-1] {
				ring = append(ring, ring[0])
			}
			f.Area = append(f.Area, orb.Polygon{ring})
		}
		for _, c := range g.Countries {
			mp, ok := countries.Polygon(c)
			if !ok {
				return nil, fmt.Errorf("geofence %q: unknown country %q (use Natural Earth ADM0_A3 codes)", g.Name, c)
			}
			f.Area = append(f.Area, mp...)
		}
		out = append(out, f)
	}
	return out, nil
}

// fences indexes the configured geofences and the outlines of
// Config.GeofenceCountries (unknown codes are logged and skipped).
func (t *Tracker) buildFences(gs []Geofence, countries *geo.CountryIndex) {
	for _, g := range gs {
		t.fences = append(t.fences, fence{g, g.Area.Bound()})
	}
	for _, code := range t.cfg.GeofenceCountries {
		mp, ok := countries.Polygon(code)
		if !ok {
			t.log.Warn("unknown geofence country", "code", code)
			continue
		}
		t.fences = append(t.fences, fence{Geofence{Name: strings.ToUpper(code), Area: mp}, mp.Bound()})
	}
}
