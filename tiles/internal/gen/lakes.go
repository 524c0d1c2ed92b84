package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/flightwatch/flightwatch/tiles/internal/pack"
)

// readLakes reads Natural Earth's lakes as GeoJSON (ne_50m_lakes.json).
func readLakes(path string) (pack.Layer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return pack.Layer{}, err
	}
	l, skipped, err := parseLakes(b)
	if err != nil {
		return l, fmt.Errorf("%s: %w", path, err)
	}
	if skipped > 0 {
		fmt.Printf("lakes: %d features without a polygon skipped\n", skipped)
	}
	return l, nil
}

// parseLakes makes the lakes layer of a GeoJSON FeatureCollection of
// Natural Earth lakes: one feature per polygon, properties name and
// min_zoom (Natural Earth's min_zoom, rounded down; 0 when absent). A
// feature that is not a polygon with a ring, or has coordinates out of
// range, is skipped and counted; a document that is not a
// FeatureCollection fails.
func parseLakes(b []byte) (l pack.Layer, skipped int, err error) {
	l = pack.Layer{Name: "lakes"}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return l, 0, fmt.Errorf("lakes: %w", err)
	}
	if head.Type != "FeatureCollection" {
		return l, 0, errors.New("lakes: not a FeatureCollection")
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return l, 0, fmt.Errorf("lakes: %w", err)
	}
	for _, f := range fc.Features {
		if f == nil {
			skipped++
			continue
		}
		var polys orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			polys = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			polys = g
		}
		props := map[string]any{"name": f.Properties.MustString("name", ""), "min_zoom": int64(0)}
		if z, ok := f.Properties["min_zoom"].(float64); ok && z >= 0 && z <= 30 {
			props["min_zoom"] = int64(math.Floor(z))
		}
		kept := 0
		for _, p := range polys {
			if len(p) == 0 || len(p[0]) < 4 || !inRange(p) {
				continue
			}
			l.Features = append(l.Features, pack.Feature{Props: props, Geometry: orb.MultiPolygon{p}})
			kept++
		}
		if kept == 0 {
			skipped++
		}
	}
	return l, skipped, nil
}

// inRange reports whether every point of p is a WGS84 position.
func inRange(p orb.Polygon) bool {
	for _, r := range p {
		for _, pt := range r {
			if !(pt[0] >= -180 && pt[0] <= 180 && pt[1] >= -90 && pt[1] <= 90) {
				return false
			}
		}
	}
	return true
}
