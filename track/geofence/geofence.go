// Package geofence builds the named areas whose crossings raise geofence
// alerts: from the geofences section of the configuration (a polygon
// and/or Natural Earth countries). Values are plain data, safe to share
// once built. Coordinates are [lon, lat] degrees.
package geofence

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/geo"
)

// Fence is a named area; watched or planned aircraft raise a geofence
// alert on entering it and a cleared one on leaving.
type Fence struct {
	Name string
	Area orb.MultiPolygon
}

// Config is a configured geofence (the geofences section of the
// configuration file): a polygon ([[lon, lat], ...], closed or not) and/or
// countries by Natural Earth ADM0_A3 code (e.g. MEX, COL).
type Config struct {
	Name      string       `yaml:"name"`
	Polygon   [][2]float64 `yaml:"polygon"`
	Countries []string     `yaml:"countries"`
}

// Validate checks what needs no country index: a name, a polygon of 3 or
// more points in range, or countries.
func (g Config) Validate() error {
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

// Build makes the areas of cfgs, each checked by Validate, their
// countries' outlines taken from countries (nil knows none).
func Build(cfgs []Config, countries *geo.CountryIndex) ([]Fence, error) {
	var out []Fence
	for _, g := range cfgs {
		if err := g.Validate(); err != nil {
			return nil, fmt.Errorf("geofence %q: %w", g.Name, err)
		}
		f := Fence{Name: g.Name}
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
