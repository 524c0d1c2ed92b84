package export

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"github.com/flightwatch/flightwatch/flight"
)

// Set is a list of features that can be written as a GeoJSON
// FeatureCollection, a GeoJSON text sequence (RFC 8142) or CSV.
type Set interface {
	Len() int
	// AppendFeature appends feature i as a GeoJSON Feature.
	AppendFeature(b []byte, i int) []byte
	// Geometry and Props describe feature i for CSV.
	Geometry(i int) orb.Geometry
	Props(i int) []Prop
	// Columns names the properties, in Props order.
	Columns() []string
}

// Prop is one property of a feature, in output order. Value is nil,
// string, bool, int, float64, time.Time, []string, []store.SourceSeen or
// map[string]int; nil, a zero time and a float64 NaN are null. It is an
// unnamed struct type so that callers may write {name, value} literals.
type Prop = struct {
	Name  string
	Value any
}

// Lines is a Set whose line features carry per-point times and
// altitudes (flights, tracks): GPX and KML write them.
type Lines interface {
	Points(i int) []flight.TrackPoint
}

// Formats, the values of ?f=.
const (
	GeoJSON    = "geojson"
	GeoJSONSeq = "geojsonseq"
	CSV        = "csv"
	KML        = "kml"
	GPX        = "gpx"
	FGB        = "fgb"
	Parquet    = "parquet"
)

// Content types of the formats.
const (
	TypeGeoJSON    = "application/geo+json"
	TypeGeoJSONSeq = "application/geo+json-seq"
	TypeCSV        = "text/csv"
	TypeKML        = "application/vnd.google-earth.kml+xml"
	TypeGPX        = "application/gpx+xml"
	TypeFGB        = "application/flatgeobuf"
	TypeParquet    = "application/vnd.apache.parquet"
)

// FormatError is a request for a format that is not written (400).
type FormatError struct{ F string }

func (e *FormatError) Error() string {
	return fmt.Sprintf("f=%q: want geojson, geojsonseq, csv, kml, gpx, fgb or parquet", e.F)
}

// Format picks the format from ?f= (geoparquet is an alias of parquet) or
// the Accept header; the default is GeoJSON. An unknown f is a
// *FormatError.
func Format(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("f"); f {
	case "", "json":
	case GeoJSON, GeoJSONSeq, CSV, KML, GPX, FGB, Parquet:
		return f, nil
	case "geoparquet":
		return Parquet, nil
	default:
		return "", &FormatError{F: f}
	}
	accept := r.Header.Get("Accept")
	switch {
	case strings.Contains(accept, TypeKML):
		return KML, nil
	case strings.Contains(accept, TypeGPX):
		return GPX, nil
	case strings.Contains(accept, TypeFGB):
		return FGB, nil
	case strings.Contains(accept, TypeParquet):
		return Parquet, nil
	case strings.Contains(accept, TypeGeoJSONSeq):
		return GeoJSONSeq, nil
	case strings.Contains(accept, TypeCSV):
		return CSV, nil
	}
	return GeoJSON, nil
}

// flushEvery is how many bytes are buffered before they are written out.
const flushEvery = 64 << 10

// Write streams set in the format the request asks for. GIS files are
// named after the request path (see WriteGIS).
func Write(w http.ResponseWriter, r *http.Request, set Set) error {
	f, err := Format(r)
	if err != nil {
		return err
	}
	switch f {
	case CSV:
		return WriteCSV(w, set)
	case KML, GPX, FGB, Parquet:
		return WriteGIS(w, r, f, set)
	case GeoJSONSeq:
		w.Header().Set("Content-Type", TypeGeoJSONSeq)
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
	w.Header().Set("Content-Type", TypeGeoJSON)
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

// WriteCSV writes a header row (wkt, then the columns) and one row per
// feature. The geometry is WKT in the first column; then one column per
// property, named as the property: null values are empty cells, times are
// RFC 3339 UTC, numbers are in full precision, lists of strings (tags) are
// joined with ";" (a `\` or `;` inside an item is escaped with `\`: the
// items "a;b" and "c" are `a\;b;c`), and any other list or object
// (a leg's sources, a cell's sources) is the JSON text of its GeoJSON
// value.
func WriteCSV(w http.ResponseWriter, set Set) error {
	w.Header().Set("Content-Type", TypeCSV+"; charset=utf-8")
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{"wkt"}, set.Columns()...)); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	rec := make([]string, 0, len(set.Columns())+1)
	for i := range set.Len() {
		rec = rec[:0]
		rec = append(rec, wkt.MarshalString(set.Geometry(i)))
		for _, p := range set.Props(i) {
			rec = append(rec, CSVValue(p.Value))
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// CSVValue is v as a CSV cell, as WriteCSV writes it.
func CSVValue(v any) string {
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
		return joinList(v)
	}
	return string(AppendValue(nil, v))
}

// listEscaper escapes the separator of joined lists.
var listEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`)

// joinList joins items with ";", escaping "\" and ";" inside them.
func joinList(items []string) string {
	if len(items) == 1 && !strings.ContainsAny(items[0], `;\`) {
		return items[0]
	}
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = listEscaper.Replace(s)
	}
	return strings.Join(out, ";")
}
