package export

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
)

// pointSet is a Set of points with fixed properties, for the tests.
type pointSet struct {
	pts   []orb.Point
	props [][]Prop
	cols  []string
}

func (s pointSet) Len() int                    { return len(s.pts) }
func (s pointSet) Geometry(i int) orb.Geometry { return s.pts[i] }
func (s pointSet) Props(i int) []Prop          { return s.props[i] }
func (s pointSet) Columns() []string           { return s.cols }
func (s pointSet) AppendFeature(b []byte, i int) []byte {
	return AppendFeature(b, "f"+string(rune('0'+i)), s.pts[i], s.props[i])
}

func testSet() pointSet {
	t0 := time.Date(2025, 1, 24, 14, 3, 5, 0, time.UTC)
	return pointSet{
		pts:  []orb.Point{{-106.38, 31.85}, {-90.53, 14.58}},
		cols: []string{"callsign", "alt_ft", "seen", "tags", "note"},
		props: [][]Prop{
			{{"callsign", "RCH821"}, {"alt_ft", 4500.5}, {"seen", t0}, {"tags", []string{"military", `a;b\c`}}, {"note", nil}},
			{{"callsign", nil}, {"alt_ft", nil}, {"seen", time.Time{}}, {"tags", []string{}}, {"note", "x"}},
		},
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		name, query, accept, want string
		bad                       bool
	}{
		{"default", "", "", GeoJSON, false},
		{"json", "f=json", "", GeoJSON, false},
		{"f wins over accept", "f=csv", TypeKML, CSV, false},
		{"geoparquet alias", "f=geoparquet", "", Parquet, false},
		{"accept seq", "", TypeGeoJSONSeq, GeoJSONSeq, false},
		{"accept csv", "", "text/csv;q=0.9", CSV, false},
		{"accept fgb", "", TypeFGB, FGB, false},
		{"unknown f", "f=shp", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/api/v1/aircraft?"+tt.query, nil)
			if tt.accept != "" {
				r.Header.Set("Accept", tt.accept)
			}
			got, err := Format(r)
			var fe *FormatError
			if tt.bad {
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), `f="shp"`) {
					t.Errorf("Format(%q) error = %v, want a FormatError", tt.query, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Format(%q, %q) = %q, %v; want %q", tt.query, tt.accept, got, err, tt.want)
			}
		})
	}
}

func TestWriteCSV(t *testing.T) {
	w := httptest.NewRecorder()
	if err := WriteCSV(w, testSet()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(w.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"wkt", "callsign", "alt_ft", "seen", "tags", "note"},
		{"POINT(-106.38 31.85)", "RCH821", "4500.5", "2025-01-24T14:03:05Z", `military;a\;b\\c`, ""},
		{"POINT(-90.53 14.58)", "", "", "", "", "x"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %v", len(rows), len(want), rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
	if ct := w.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestCSVValueLists(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want string
	}{
		{"none", []string{}, ""},
		{"one", []string{"military"}, "military"},
		{"two", []string{"military", "removal-charter"}, "military;removal-charter"},
		{"separator inside", []string{"a;b", "c"}, `a\;b;c`},
		{"escape inside", []string{`a\b`}, `a\\b`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CSVValue(tt.in); got != tt.want {
				t.Errorf("CSVValue(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWriteGeoJSON(t *testing.T) {
	for _, f := range []string{GeoJSON, GeoJSONSeq} {
		t.Run(f, func(t *testing.T) {
			w := httptest.NewRecorder()
			if err := Write(w, httptest.NewRequest("GET", "/x?f="+f, nil), testSet()); err != nil {
				t.Fatal(err)
			}
			var feats []map[string]any
			if f == GeoJSON {
				var fc struct{ Features []map[string]any }
				if err := json.Unmarshal(w.Body.Bytes(), &fc); err != nil {
					t.Fatalf("%s: %v", w.Body, err)
				}
				feats = fc.Features
			} else {
				for _, rec := range bytes.Split(w.Body.Bytes(), []byte{0x1e}) {
					if len(bytes.TrimSpace(rec)) == 0 {
						continue
					}
					var m map[string]any
					if err := json.Unmarshal(rec, &m); err != nil {
						t.Fatalf("%q: %v", rec, err)
					}
					feats = append(feats, m)
				}
			}
			if len(feats) != 2 {
				t.Fatalf("%d features, want 2", len(feats))
			}
			p := feats[1]["properties"].(map[string]any)
			for _, k := range []string{"callsign", "alt_ft", "seen", "note", "tags"} {
				if _, ok := p[k]; !ok {
					t.Errorf("property %s missing from %v", k, p)
				}
			}
			if p["seen"] != nil || p["callsign"] != nil {
				t.Errorf("unknown values %v, want null", p)
			}
		})
	}
}

// TestGISFiles writes the set in each GIS format and reads it back with
// GDAL's ogrinfo, when installed.
func TestGISFiles(t *testing.T) {
	ogr, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("ogrinfo (gdal-bin) not installed")
	}
	formats, _ := exec.Command(ogr, "--formats").Output()
	for _, tt := range []struct{ f, ext, want string }{
		{KML, "kml", "callsign (String) = RCH821"},
		{FGB, "fgb", "alt_ft (Real) = 4500.5"},
		{Parquet, "parquet", "callsign (String) = RCH821"},
		{GPX, "gpx", "RCH821"},
	} {
		t.Run(tt.f, func(t *testing.T) {
			if tt.f == Parquet && !bytes.Contains(formats, []byte("Parquet")) {
				t.Skip("this GDAL has no Parquet driver")
			}
			w := httptest.NewRecorder()
			if err := Write(w, httptest.NewRequest("GET", "/api/v1/aircraft?f="+tt.f, nil), testSet()); err != nil {
				t.Fatal(err)
			}
			if cd := w.Header().Get("Content-Disposition"); cd != `attachment; filename="aircraft.`+tt.ext+`"` {
				t.Errorf("Content-Disposition = %q", cd)
			}
			path := filepath.Join(t.TempDir(), "aircraft."+tt.ext)
			if err := os.WriteFile(path, w.Body.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command(ogr, "-ro", "-al", path).CombinedOutput()
			if err != nil {
				t.Fatalf("ogrinfo: %v\n%s", err, out)
			}
			if !bytes.Contains(out, []byte(tt.want)) {
				t.Errorf("ogrinfo lacks %q:\n%s", tt.want, out)
			}
		})
	}
}

// TestKMLAltitudes checks that a timed line is written in 3D, metres.
func TestKMLAltitudes(t *testing.T) {
	t0 := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	set := lineSet{pts: []flight.TrackPoint{{Time: t0, Lat: 31.8, Lon: -106.4, AltFt: 1000, Has: flight.HasAlt},
		{Time: t0.Add(time.Minute), Lat: 31.9, Lon: -106.3}}}
	w := httptest.NewRecorder()
	if err := Write(w, httptest.NewRequest("GET", "/api/v1/aircraft/ae1234/track?f=kml", nil), set); err != nil {
		t.Fatal(err)
	}
	body := w.Body.String()
	if !strings.Contains(body, "<altitudeMode>absolute</altitudeMode><coordinates>-106.4,31.8,305 -106.3,31.9,0</coordinates>") {
		t.Errorf("kml line = %s", body)
	}
	if !strings.Contains(w.Header().Get("Content-Disposition"), `"ae1234-track.kml"`) {
		t.Errorf("Content-Disposition = %q, want the track layer", w.Header().Get("Content-Disposition"))
	}
}

// lineSet is one timed line.
type lineSet struct{ pts []flight.TrackPoint }

func (lineSet) Len() int { return 1 }
func (s lineSet) Geometry(int) orb.Geometry {
	ls := make(orb.LineString, len(s.pts))
	for i, p := range s.pts {
		ls[i] = orb.Point{p.Lon, p.Lat}
	}
	return ls
}
func (lineSet) Props(int) []Prop  { return []Prop{{"hex", "ae1234"}} }
func (lineSet) Columns() []string { return []string{"hex"} }
func (s lineSet) AppendFeature(b []byte, i int) []byte {
	return AppendFeature(b, "ae1234", s.Geometry(i), s.Props(i))
}
func (s lineSet) Points(int) []flight.TrackPoint { return s.pts }

func FuzzFormat(f *testing.F) {
	for _, s := range []string{"", "csv", "geoparquet", "shp", "%zz", "json&f=kml"} {
		f.Add(s, "text/csv")
	}
	f.Fuzz(func(t *testing.T, q, accept string) {
		r := httptest.NewRequest("GET", "/x", nil)
		r.URL.RawQuery = "f=" + q
		r.Header.Set("Accept", accept)
		got, err := Format(r)
		var fe *FormatError
		switch {
		case err != nil && !errors.As(err, &fe):
			t.Errorf("Format(%q, %q) error %v, not a FormatError", q, accept, err)
		case err == nil && !slices.Contains([]string{GeoJSON, GeoJSONSeq, CSV, KML, GPX, FGB, Parquet}, got):
			t.Errorf("Format(%q, %q) = %q, not a format", q, accept, got)
		}
	})
}
