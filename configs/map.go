package configs

import (
	"fmt"
	"math"

	"gopkg.in/yaml.v3"

	"github.com/flightwatch/flightwatch/feeds"
)

// Map sets the view the browser map opens at (unless its URL names one).
type Map struct {
	// Center is [lon, lat] in degrees. Empty: the centre of the feeds'
	// areas (the bbox of each feed that declares one), or, with none,
	// DefaultMapCenter.
	Center []float64 `yaml:"center"`
	// Zoom is the opening zoom, 0 to 22. Zero: 6 when the centre comes
	// from the feeds, DefaultMapZoom otherwise (with or without Center).
	Zoom float64 `yaml:"zoom"`
}

// The map's view when neither the configuration nor the feeds give one:
// the Gulf of Mexico, between the US and Central America.
var (
	DefaultMapCenter = [2]float64{-92, 24}
	DefaultMapZoom   = 3.0
)

// MapView is the resolved opening view.
type MapView struct {
	Center [2]float64 // [lon, lat]
	Zoom   float64
}

// UnmarshalYAML decodes the map section strictly (unknown keys are
// errors) and validates it.
func (m *Map) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("map: line %d: want a mapping with center and zoom", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		switch k := n.Content[i].Value; k {
		case "center", "zoom":
		default:
			return fmt.Errorf("map: line %d: unknown key %q (want center, zoom)", n.Content[i].Line, k)
		}
	}
	type plain Map
	var p plain
	if err := n.Decode(&p); err != nil {
		return fmt.Errorf("map: %w", err)
	}
	*m = Map(p)
	return m.Validate()
}

// Validate checks that Center, when given, is a valid [lon, lat] and that
// Zoom is within 0..22.
func (m Map) Validate() error {
	if len(m.Center) != 0 {
		if len(m.Center) != 2 {
			return fmt.Errorf("map.center %v: want [lon, lat]", m.Center)
		}
		lon, lat := m.Center[0], m.Center[1]
		if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -85 || lat > 85 {
			return fmt.Errorf("map.center %v: want lon in -180..180 and lat in -85..85", m.Center)
		}
	}
	if math.IsNaN(m.Zoom) || m.Zoom < 0 || m.Zoom > 22 {
		return fmt.Errorf("map.zoom %v: want 0..22", m.Zoom)
	}
	return nil
}

// View resolves the opening view from the section and the feeds: the
// configured centre, else the centre of the union of the feeds' bboxes,
// else the default.
func (m Map) View(fs []feeds.Config) MapView {
	v := MapView{Center: DefaultMapCenter, Zoom: DefaultMapZoom}
	switch {
	case len(m.Center) == 2:
		v.Center = [2]float64{m.Center[0], m.Center[1]}
	default:
		if c, ok := feedsCenter(fs); ok {
			v.Center, v.Zoom = c, 6
		}
	}
	if m.Zoom > 0 {
		v.Zoom = m.Zoom
	}
	return v
}

// feedsCenter is the centre of the union of the valid bboxes of the feeds.
func feedsCenter(fs []feeds.Config) ([2]float64, bool) {
	minLon, minLat, maxLon, maxLat := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, f := range fs {
		b := f.BBox
		if len(b) != 4 || b[0] > b[2] || b[1] > b[3] || b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 {
			continue
		}
		minLon, minLat = math.Min(minLon, b[0]), math.Min(minLat, b[1])
		maxLon, maxLat = math.Max(maxLon, b[2]), math.Max(maxLat, b[3])
	}
	if minLon > maxLon {
		return [2]float64{}, false
	}
	return [2]float64{(minLon + maxLon) / 2, math.Max(-85, math.Min(85, (minLat+maxLat)/2))}, true
}
