package export

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// GeoParquet (https://geoparquet.org, 1.1): a Parquet file with the
// geometry as WKB in column "geometry" and the "geo" key of the file
// metadata describing it; properties become optional columns typed as
// for FlatGeobuf (times as UTC timestamps in milliseconds).

// geoParquetRowGroup is how many features are buffered per row group.
const geoParquetRowGroup = 10000

func writeGeoParquet(w http.ResponseWriter, set Set, layer string) error {
	cols := set.Columns()
	types := fgbColumnTypes(set)
	group := parquet.Group{"geometry": parquet.Optional(parquet.Leaf(parquet.ByteArrayType))}
	for j, c := range cols {
		if c == "geometry" {
			continue
		}
		var n parquet.Node
		switch types[j] {
		case fgbBool:
			n = parquet.Leaf(parquet.BooleanType)
		case fgbLong:
			n = parquet.Int(64)
		case fgbDouble:
			n = parquet.Leaf(parquet.DoubleType)
		case fgbDateTime:
			n = parquet.Timestamp(parquet.Millisecond)
		default:
			n = parquet.String()
		}
		group[c] = parquet.Optional(n)
	}
	schema := parquet.NewSchema(layer, group)
	index := make(map[string]int, len(cols)+1)
	for i, f := range schema.Fields() {
		index[f.Name()] = i
	}
	meta, err := geoMetadata(set)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", TypeParquet)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.parquet"`, layer))
	pw := parquet.NewWriter(w, schema, parquet.KeyValueMetadata("geo", meta))
	rows := make([]parquet.Row, 0, min(set.Len(), geoParquetRowGroup))
	nf := len(schema.Fields())
	for i := range set.Len() {
		row := make(parquet.Row, nf)
		for k := range row {
			row[k] = parquet.NullValue().Level(0, 0, k)
		}
		if g := set.Geometry(i); g != nil {
			if b, err := wkb.Marshal(g); err == nil {
				k := index["geometry"]
				row[k] = parquet.ByteArrayValue(b).Level(0, 1, k)
			}
		}
		for j, p := range set.Props(i) {
			if j >= len(cols) || p.Value == nil || cols[j] == "geometry" {
				continue
			}
			k := index[cols[j]]
			if v, ok := parquetValue(p.Value, types[j]); ok {
				row[k] = v.Level(0, 1, k)
			}
		}
		rows = append(rows, row)
		if len(rows) == cap(rows) {
			if _, err := pw.WriteRows(rows); err != nil {
				return fmt.Errorf("write geoparquet: %w", err)
			}
			rows = rows[:0]
		}
	}
	if _, err := pw.WriteRows(rows); err != nil {
		return fmt.Errorf("write geoparquet: %w", err)
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("write geoparquet: %w", err)
	}
	return nil
}

// parquetValue converts a property to its column's type; false for null.
func parquetValue(v any, typ byte) (parquet.Value, bool) {
	switch typ {
	case fgbBool:
		b, ok := v.(bool)
		return parquet.BooleanValue(b), ok
	case fgbLong:
		n, ok := v.(int)
		return parquet.Int64Value(int64(n)), ok
	case fgbDouble:
		switch f := v.(type) {
		case float64:
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return parquet.Value{}, false
			}
			return parquet.DoubleValue(f), true
		case int:
			return parquet.DoubleValue(float64(f)), true
		}
		return parquet.Value{}, false
	case fgbDateTime:
		t, ok := v.(time.Time)
		if !ok || t.IsZero() {
			return parquet.Value{}, false
		}
		return parquet.Int64Value(t.UnixMilli()), true
	}
	var s string
	switch x := v.(type) {
	case string:
		s = x
	default:
		if typ == fgbJSON {
			b, err := json.Marshal(x)
			if err != nil {
				return parquet.Value{}, false
			}
			s = string(b)
		} else {
			s = CSVValue(x)
		}
	}
	return parquet.ByteArrayValue([]byte(s)), true
}

// geoMetadata is the "geo" file metadata: WKB in "geometry", CRS84, the
// geometry types present and their bounding box.
func geoMetadata(set Set) (string, error) {
	kinds := map[string]bool{}
	var bound orb.Bound
	has := false
	for i := range set.Len() {
		g := set.Geometry(i)
		if g == nil {
			continue
		}
		kinds[g.GeoJSONType()] = true
		if !has {
			bound, has = g.Bound(), true
		} else {
			bound = bound.Union(g.Bound())
		}
	}
	list := make([]string, 0, len(kinds))
	for _, k := range []string{"Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon"} {
		if kinds[k] {
			list = append(list, k)
		}
	}
	col := map[string]any{"encoding": "WKB", "geometry_types": list}
	if has {
		col["bbox"] = []float64{bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]}
	}
	b, err := json.Marshal(map[string]any{"version": "1.1.0", "primary_column": "geometry",
		"columns": map[string]any{"geometry": col}})
	return string(b), err
}
