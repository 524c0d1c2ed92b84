package server

import (
	"net/http"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/feature"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/server/export"
)

// kv is one property of a feature, in output order.
type kv = export.Prop

// ctGeoJSON is the content type of GeoJSON answers.
const ctGeoJSON = export.TypeGeoJSON

// appendFeature appends a Feature with id, geometry and properties.
func appendFeature(b []byte, id string, g orb.Geometry, props []kv) []byte {
	return export.AppendFeature(b, id, g, props)
}

// writeFeatures streams set in the format the request asks for.
func writeFeatures(w http.ResponseWriter, r *http.Request, set export.Set) error {
	return export.Write(w, r, set)
}

// str is s, or nil (null) when empty.
func str(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Every feature the REST API and the websocket write takes its properties
// from the tables of package feature, in table order, unknowns as null.

// appendAircraftFeature appends the GeoJSON Feature of a (id = hex).
func appendAircraftFeature(b []byte, a *flight.Aircraft) []byte {
	return export.AppendTableFeature(b, a.Hex, orb.Point{a.Lon, a.Lat}, feature.Aircraft, a)
}

func appendAlertFeature(b []byte, a *flight.Alert) []byte {
	return export.AppendTableFeature(b, a.ID, orb.Point{a.Lon, a.Lat}, feature.Alert, a)
}

func appendReportFeature(b []byte, r *flight.Report) []byte {
	return export.AppendTableFeature(b, r.ID, orb.Point{r.Lon, r.Lat}, feature.Report, r)
}

// trackGeometry is a LineString of points, or a Point when there are fewer
// than two (RFC 7946 needs two positions per LineString).
func trackGeometry(pts []flight.TrackPoint, fallback orb.Geometry) orb.Geometry {
	switch len(pts) {
	case 0:
		return fallback
	case 1:
		return orb.Point{pts[0].Lon, pts[0].Lat}
	}
	ls := make(orb.LineString, len(pts))
	for i, p := range pts {
		ls[i] = orb.Point{p.Lon, p.Lat}
	}
	return ls
}

// trackSet is one aircraft's track as a single line feature, with the
// properties of feature.TrackTable.
type trackSet struct {
	tr  feature.Track
	pts []flight.TrackPoint
}

func (trackSet) Len() int { return 1 }
func (s trackSet) AppendFeature(b []byte, i int) []byte {
	return export.AppendTableFeature(b, s.tr.Hex, s.Geometry(i), feature.TrackTable, &s.tr)
}
func (s trackSet) Geometry(int) orb.Geometry      { return trackGeometry(s.pts, nil) }
func (s trackSet) Props(int) []kv                 { return export.TableProps(nil, feature.TrackTable, &s.tr) }
func (trackSet) Columns() []string                { return feature.TrackTable.Names() }
func (s trackSet) Points(int) []flight.TrackPoint { return s.pts }
