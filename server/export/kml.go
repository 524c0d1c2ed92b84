package export

import (
	"bufio"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
)

// xmlText appends s escaped for XML character data.
func xmlText(bw *bufio.Writer, s string) {
	_ = xml.EscapeText(bw, []byte(s))
}

// writeKML streams set as a KML document (Google Earth): a Schema naming
// the columns, and one Placemark per feature with its properties as
// SchemaData and its geometry.
func writeKML(w http.ResponseWriter, set Set, layer string) error {
	w.Header().Set("Content-Type", TypeKML)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.kml"`, layer))
	bw := bufio.NewWriterSize(w, flushEvery)
	cols := set.Columns()
	types := fgbColumnTypes(set)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>`)
	xmlText(bw, layer)
	bw.WriteString(`</name><Schema name="`)
	xmlText(bw, layer)
	bw.WriteString(`" id="`)
	xmlText(bw, layer)
	bw.WriteString(`">`)
	for j, c := range cols {
		typ := "string"
		switch types[j] {
		case fgbBool:
			typ = "bool"
		case fgbLong:
			typ = "int"
		case fgbDouble:
			typ = "double"
		}
		bw.WriteString(`<SimpleField name="`)
		xmlText(bw, c)
		bw.WriteString(`" type="` + typ + `"/>`)
	}
	bw.WriteString("</Schema>\n")
	tl, _ := set.(Lines)
	for i := range set.Len() {
		props := set.Props(i)
		bw.WriteString(`<Placemark><name>`)
		xmlText(bw, featureName(props))
		bw.WriteString(`</name><ExtendedData><SchemaData schemaUrl="#`)
		xmlText(bw, layer)
		bw.WriteString(`">`)
		for j, p := range props {
			if p.Value == nil || j >= len(cols) {
				continue
			}
			if t, ok := p.Value.(time.Time); ok && t.IsZero() {
				continue
			}
			bw.WriteString(`<SimpleData name="`)
			xmlText(bw, cols[j])
			bw.WriteString(`">`)
			xmlText(bw, CSVValue(p.Value))
			bw.WriteString(`</SimpleData>`)
		}
		bw.WriteString(`</SchemaData></ExtendedData>`)
		var pts []flight.TrackPoint
		if tl != nil {
			pts = tl.Points(i)
		}
		kmlGeometry(bw, set.Geometry(i), pts)
		bw.WriteString("</Placemark>\n")
	}
	bw.WriteString("</Document></kml>\n")
	return bw.Flush()
}

// featureName is what a Placemark or waypoint is called: the callsign,
// else the id, else the hex.
func featureName(props []Prop) string {
	var id, hex string
	for _, p := range props {
		s, _ := p.Value.(string)
		switch p.Name {
		case "callsign":
			if s != "" {
				return s
			}
		case "id":
			id = s
		case "hex":
			hex = s
		}
	}
	if id != "" {
		return id
	}
	return hex
}

func kmlCoords(bw *bufio.Writer, ps []orb.Point) {
	bw.WriteString("<coordinates>")
	var b []byte
	for i, p := range ps {
		b = b[:0]
		if i > 0 {
			b = append(b, ' ')
		}
		b = AppendFixed(b, p[0], 6)
		b = append(b, ',')
		b = AppendFixed(b, p[1], 6)
		bw.Write(b)
	}
	bw.WriteString("</coordinates>")
}

// kmlGeometry writes g; a line with per-point altitudes is written in 3D
// (metres above sea level), so Google Earth draws it at height.
func kmlGeometry(bw *bufio.Writer, g orb.Geometry, pts []flight.TrackPoint) {
	switch g := g.(type) {
	case orb.Point:
		bw.WriteString("<Point>")
		kmlCoords(bw, []orb.Point{g})
		bw.WriteString("</Point>")
	case orb.LineString:
		if len(pts) == len(g) && hasAlts(pts) {
			bw.WriteString("<LineString><altitudeMode>absolute</altitudeMode><coordinates>")
			for i, p := range pts {
				if i > 0 {
					bw.WriteByte(' ')
				}
				bw.Write(AppendFixed(nil, p.Lon, 6))
				bw.WriteByte(',')
				bw.Write(AppendFixed(nil, p.Lat, 6))
				bw.WriteByte(',')
				alt := 0.0
				if p.Has&flight.HasAlt != 0 {
					alt = p.AltFt * 0.3048
				}
				bw.WriteString(strconv.FormatFloat(alt, 'f', 0, 64))
			}
			bw.WriteString("</coordinates></LineString>")
			return
		}
		bw.WriteString("<LineString>")
		kmlCoords(bw, g)
		bw.WriteString("</LineString>")
	case orb.MultiLineString:
		bw.WriteString("<MultiGeometry>")
		for _, l := range g {
			kmlGeometry(bw, l, nil)
		}
		bw.WriteString("</MultiGeometry>")
	case orb.Polygon:
		bw.WriteString("<Polygon>")
		for i, r := range g {
			if i == 0 {
				bw.WriteString("<outerBoundaryIs><LinearRing>")
				kmlCoords(bw, r)
				bw.WriteString("</LinearRing></outerBoundaryIs>")
				continue
			}
			bw.WriteString("<innerBoundaryIs><LinearRing>")
			kmlCoords(bw, r)
			bw.WriteString("</LinearRing></innerBoundaryIs>")
		}
		bw.WriteString("</Polygon>")
	case orb.MultiPolygon:
		bw.WriteString("<MultiGeometry>")
		for _, p := range g {
			kmlGeometry(bw, p, nil)
		}
		bw.WriteString("</MultiGeometry>")
	}
}

func hasAlts(pts []flight.TrackPoint) bool {
	for _, p := range pts {
		if p.Has&flight.HasAlt != 0 {
			return true
		}
	}
	return false
}
