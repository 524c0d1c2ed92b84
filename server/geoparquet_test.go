package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/flightwatch/flightwatch/server/export"
	"github.com/parquet-go/parquet-go"
	"github.com/paulmach/orb/encoding/wkb"
)

func TestGeoParquetExport(t *testing.T) {
	in, _ := historyFixture(t)
	tests := []struct {
		name, path, accept string
		rows               int
		geomType           string
	}{
		{"flights", "/api/v1/flights?f=parquet", "", 4, "LineString"},
		{"alerts by accept", "/api/v1/alerts", export.TypeParquet, 2, "Point"},
		{"track", "/api/v1/aircraft/ae5a01/track?f=geoparquet", "", 1, "LineString"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.accept != "" {
				hdr = []string{"Accept", tc.accept}
			}
			code, h, body := do(t, "GET", in.url+tc.path, "", "", nil, hdr...)
			if code != http.StatusOK || h.Get("Content-Type") != export.TypeParquet {
				t.Fatalf("GET = %d %s %.200s", code, h.Get("Content-Type"), body)
			}
			f, err := parquet.OpenFile(bytes.NewReader(body), int64(len(body)))
			if err != nil {
				t.Fatal(err)
			}
			if f.NumRows() != int64(tc.rows) {
				t.Errorf("rows = %d, want %d", f.NumRows(), tc.rows)
			}
			meta, ok := f.Lookup("geo")
			if !ok {
				t.Fatal("no geo metadata")
			}
			var geo struct {
				Version       string `json:"version"`
				PrimaryColumn string `json:"primary_column"`
				Columns       map[string]struct {
					Encoding      string    `json:"encoding"`
					GeometryTypes []string  `json:"geometry_types"`
					BBox          []float64 `json:"bbox"`
				} `json:"columns"`
			}
			if err := json.Unmarshal([]byte(meta), &geo); err != nil {
				t.Fatal(err)
			}
			c := geo.Columns["geometry"]
			if geo.PrimaryColumn != "geometry" || c.Encoding != "WKB" || len(c.GeometryTypes) != 1 || c.GeometryTypes[0] != tc.geomType || len(c.BBox) != 4 {
				t.Errorf("geo metadata = %s", meta)
			}
			rows := make([]parquet.Row, tc.rows)
			rr := f.RowGroups()[0].Rows()
			n, _ := rr.ReadRows(rows)
			rr.Close()
			if n != tc.rows {
				t.Fatalf("read %d rows, want %d", n, tc.rows)
			}
			col, ok := f.Schema().Lookup("geometry")
			if !ok {
				t.Fatal("no geometry column")
			}
			g, err := wkb.Unmarshal(rows[0][col.ColumnIndex].ByteArray())
			if err != nil || g.GeoJSONType() != tc.geomType {
				t.Errorf("geometry of row 0 = %v, %v; want a %s", g, err, tc.geomType)
			}
		})
	}
}
