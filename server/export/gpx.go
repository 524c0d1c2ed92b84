package export

import (
	"bufio"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
)

// gpxNS is the namespace of the properties written as GPX extensions.
const gpxNS = "https://flightwatch.example/gpx/1"

// writeGPX streams set as GPX 1.1: point features as waypoints, line
// features as tracks (one segment per line, with point times and
// elevations when known). Properties go into each element's extensions;
// the time property (alerts, aircraft "seen") becomes the waypoint time.
func writeGPX(w http.ResponseWriter, set Set, layer string) error {
	w.Header().Set("Content-Type", TypeGPX)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.gpx"`, layer))
	bw := bufio.NewWriterSize(w, flushEvery)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<gpx version="1.1" creator="flightwatch" xmlns="http://www.topografix.com/GPX/1/1" xmlns:fw="` + gpxNS + `">` +
		"\n<metadata><name>")
	xmlText(bw, layer)
	bw.WriteString("</name></metadata>\n")
	cols := set.Columns()
	tl, _ := set.(Lines)
	// GPX orders waypoints before tracks.
	for i := range set.Len() {
		p, ok := set.Geometry(i).(orb.Point)
		if !ok {
			continue
		}
		props := set.Props(i)
		bw.WriteString(`<wpt lat="`)
		bw.Write(AppendFixed(nil, p[1], 6))
		bw.WriteString(`" lon="`)
		bw.Write(AppendFixed(nil, p[0], 6))
		bw.WriteString(`">`)
		for _, kv := range props {
			if t, ok := kv.Value.(time.Time); ok && !t.IsZero() && (kv.Name == "time" || kv.Name == "seen") {
				bw.WriteString("<time>" + t.UTC().Format(time.RFC3339) + "</time>")
				break
			}
		}
		gpxNameDesc(bw, props)
		gpxExtensions(bw, cols, props)
		bw.WriteString("</wpt>\n")
	}
	for i := range set.Len() {
		var lines []orb.LineString
		switch g := set.Geometry(i).(type) {
		case orb.LineString:
			lines = []orb.LineString{g}
		case orb.MultiLineString:
			lines = g
		default:
			continue
		}
		props := set.Props(i)
		bw.WriteString("<trk>")
		gpxNameDesc(bw, props)
		gpxExtensions(bw, cols, props)
		var pts []flight.TrackPoint
		if tl != nil {
			pts = tl.Points(i)
		}
		for _, l := range lines {
			bw.WriteString("<trkseg>")
			timed := len(lines) == 1 && len(pts) == len(l)
			for k, p := range l {
				bw.WriteString(`<trkpt lat="`)
				bw.Write(AppendFixed(nil, p[1], 6))
				bw.WriteString(`" lon="`)
				bw.Write(AppendFixed(nil, p[0], 6))
				bw.WriteString(`">`)
				if timed {
					tp := pts[k]
					if tp.Has&flight.HasAlt != 0 {
						bw.WriteString("<ele>" + strconv.FormatFloat(tp.AltFt*0.3048, 'f', 1, 64) + "</ele>")
					}
					bw.WriteString("<time>" + tp.Time.UTC().Format(time.RFC3339) + "</time>")
				}
				bw.WriteString("</trkpt>")
			}
			bw.WriteString("</trkseg>")
		}
		bw.WriteString("</trk>\n")
	}
	bw.WriteString("</gpx>\n")
	return bw.Flush()
}

func gpxNameDesc(bw *bufio.Writer, props []Prop) {
	bw.WriteString("<name>")
	xmlText(bw, featureName(props))
	bw.WriteString("</name>")
	for _, p := range props {
		if s, ok := p.Value.(string); ok && p.Name == "message" && s != "" {
			bw.WriteString("<desc>")
			xmlText(bw, s)
			bw.WriteString("</desc>")
		}
	}
}

func gpxExtensions(bw *bufio.Writer, cols []string, props []Prop) {
	bw.WriteString("<extensions>")
	for j, p := range props {
		if p.Value == nil || j >= len(cols) {
			continue
		}
		if t, ok := p.Value.(time.Time); ok && t.IsZero() {
			continue
		}
		bw.WriteString("<fw:" + cols[j] + ">")
		xmlText(bw, CSVValue(p.Value))
		bw.WriteString("</fw:" + cols[j] + ">")
	}
	bw.WriteString("</extensions>")
}
