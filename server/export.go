package server

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// featureSet is a list of features that can be written as a GeoJSON
// FeatureCollection, a GeoJSON text sequence (RFC 8142) or CSV.
type featureSet interface {
	Len() int
	// AppendFeature appends feature i as a GeoJSON Feature.
	AppendFeature(b []byte, i int) []byte
	// Geometry and Props describe feature i for CSV.
	Geometry(i int) orb.Geometry
	Props(i int) []kv
	// Columns names the properties, in Props order.
	Columns() []string
}

// Export formats.
const (
	formatGeoJSON = "geojson"
	formatSeq     = "geojsonseq"
	formatCSV     = "csv"
	formatKML     = "kml"
	formatGPX     = "gpx"
	formatFGB     = "fgb"
	formatParquet = "parquet"
)

// Content types.
const (
	ctGeoJSON    = "application/geo+json"
	ctGeoJSONSeq = "application/geo+json-seq"
	ctCSV        = "text/csv"
	ctKML        = "application/vnd.google-earth.kml+xml"
	ctGPX        = "application/gpx+xml"
	ctFGB        = "application/flatgeobuf"
	ctParquet    = "application/vnd.apache.parquet"
)

// exportFormat picks the format from ?f= or the Accept header.
func exportFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("f"); f {
	case "", "json":
	case formatGeoJSON, formatSeq, formatCSV, formatKML, formatGPX, formatFGB, formatParquet:
		return f, nil
	case "geoparquet":
		return formatParquet, nil
	default:
		return "", errorf(http.StatusBadRequest, "f=%q: want geojson, geojsonseq, csv, kml, gpx, fgb or parquet", f)
	}
	accept := r.Header.Get("Accept")
	switch {
	case strings.Contains(accept, ctKML):
		return formatKML, nil
	case strings.Contains(accept, ctGPX):
		return formatGPX, nil
	case strings.Contains(accept, ctFGB):
		return formatFGB, nil
	case strings.Contains(accept, ctParquet):
		return formatParquet, nil
	case strings.Contains(accept, ctGeoJSONSeq):
		return formatSeq, nil
	case strings.Contains(accept, ctCSV):
		return formatCSV, nil
	}
	return formatGeoJSON, nil
}

// flushEvery is how many bytes are buffered before they are written out.
const flushEvery = 64 << 10

// writeFeatures streams set in the format the request asks for.
func writeFeatures(w http.ResponseWriter, r *http.Request, set featureSet) error {
	f, err := exportFormat(r)
	if err != nil {
		return err
	}
	switch f {
	case formatCSV:
		return writeCSV(w, set)
	case formatKML, formatGPX, formatFGB, formatParquet:
		return writeGIS(w, r, f, set)
	case formatSeq:
		w.Header().Set("Content-Type", ctGeoJSONSeq)
		buf := make([]byte, 0, flushEvery+4096)
		for i := range set.Len() {
			buf = append(buf, 0x1e)
			buf = set.AppendFeature(buf, i)
			buf = append(buf, '\n')
			if len(buf) >= flushEvery {
				if _, err := w.Write(buf); err != nil {
					return err
				}
				buf = buf[:0]
			}
		}
		_, err := w.Write(buf)
		return err
	}
	w.Header().Set("Content-Type", ctGeoJSON)
	buf := make([]byte, 0, flushEvery+4096)
	buf = append(buf, `{"type":"FeatureCollection","features":[`...)
	for i := range set.Len() {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = set.AppendFeature(buf, i)
		if len(buf) >= flushEvery {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	buf = append(buf, "]}\n"...)
	_, err = w.Write(buf)
	return err
}

// writeCSV writes a header row (wkt, then the columns) and one row per
// feature; the geometry is WKT, null values are empty cells, lists are
// joined with ";".
func writeCSV(w http.ResponseWriter, set featureSet) error {
	w.Header().Set("Content-Type", ctCSV+"; charset=utf-8")
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{"wkt"}, set.Columns()...)); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	rec := make([]string, 0, len(set.Columns())+1)
	for i := range set.Len() {
		rec = rec[:0]
		rec = append(rec, wkt.MarshalString(set.Geometry(i)))
		for _, p := range set.Props(i) {
			rec = append(rec, csvValue(p.v))
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvValue(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.UTC().Format(time.RFC3339)
	case []string:
		return strings.Join(v, ";")
	}
	return string(appendValue(nil, v))
}
