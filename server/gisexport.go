package server

import (
	"net/http"
	"path"
	"strings"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
)

// writeGIS writes set as KML, GPX, FlatGeobuf or GeoParquet, the layer named after
// the endpoint ("flights", "alerts", "aircraft", or "<hex>-track").
func writeGIS(w http.ResponseWriter, r *http.Request, format string, set featureSet) error {
	layer := path.Base(r.URL.Path)
	if layer == "track" {
		layer = path.Base(path.Dir(r.URL.Path)) + "-track"
	}
	layer = strings.Map(func(c rune) rune {
		if c == '"' || c == '\\' || c < ' ' {
			return '_'
		}
		return c
	}, layer)
	switch format {
	case formatKML:
		return writeKML(w, set, layer)
	case formatGPX:
		return writeGPX(w, set, layer)
	case formatParquet:
		return writeGeoParquet(w, set, layer)
	}
	return writeFGB(w, set, layer)
}

// Points returns leg i's line with its times and altitudes.
func (s legSet) Points(i int) []flight.TrackPoint { return s.tracks[i] }

// trackSet is one aircraft's track as a single line feature.
type trackSet struct {
	hex string
	pts []flight.TrackPoint
}

func (trackSet) Len() int { return 1 }
func (s trackSet) AppendFeature(b []byte, i int) []byte {
	return appendFeature(b, s.hex, s.Geometry(i), s.Props(i))
}
func (s trackSet) Geometry(int) orb.Geometry { return trackGeometry(s.pts, nil) }
func (s trackSet) Props(int) []kv {
	var start, end any
	if len(s.pts) > 0 {
		start, end = s.pts[0].Time, s.pts[len(s.pts)-1].Time
	}
	return []kv{{"hex", s.hex}, {"points", len(s.pts)}, {"start", start}, {"end", end}}
}
func (trackSet) Columns() []string                { return []string{"hex", "points", "start", "end"} }
func (s trackSet) Points(int) []flight.TrackPoint { return s.pts }
