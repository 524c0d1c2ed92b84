package reports

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

var testNow = time.Date(2025, 1, 26, 12, 0, 0, 0, time.UTC)

// mapResolver resolves the places it lists.
type mapResolver map[string][2]float64

func (m mapResolver) Resolve(place string) (float64, float64, error) {
	if p, ok := m[place]; ok {
		return p[0], p[1], nil
	}
	return 0, 0, fmt.Errorf("place %q is not in the gazetteer", place)
}

var testResolver = mapResolver{"Denver, CO": {39.73915, -104.9847}, "Newark, NJ": {40.73566, -74.17237}}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		format   Format
		wantIDs  []string
		wantErrs []int
		contains map[int]string // line → substring of its error
	}{
		{name: "csv", file: "mixed.csv", format: CSV,
			wantIDs:  []string{"r1", "r2", "r8"},
			wantErrs: []int{5, 6, 7, 8, 9, 11, 12, 13, 14, 15, 16},
			contains: map[int]string{5: "lat 95", 6: "lon -200", 7: "yesterday", 8: "count 0",
				9: "Atlantis, ZZ", 11: "id is required", 12: "together", 13: "future",
				14: "not a number", 15: "lat/lon or place", 16: "2.5"}},
		{name: "ndjson", file: "mixed.ndjson", format: NDJSON,
			wantIDs:  []string{"n1", "n2", "n6"},
			wantErrs: []int{5, 6, 7, 9, 10},
			contains: map[int]string{5: "lat -91", 7: "Atlantis", 9: "field lat"}},
		{name: "geojson", file: "mixed.geojson", format: GeoJSON,
			wantIDs:  []string{"g1", "g2", "g5"},
			wantErrs: []int{3, 5, 7, 8, 9},
			contains: map[int]string{3: "LineString", 5: "lon 190", 7: "Atlantis", 8: "coordinates", 9: "NotAFeature"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			reps, errs, err := Parse(f, tt.format, testResolver, testNow)
			if err != nil {
				t.Fatalf("Parse(%s) error %v", tt.file, err)
			}
			var ids []string
			for _, r := range reps {
				ids = append(ids, r.ID)
				if err := r.Validate(testNow); err != nil {
					t.Errorf("report %s does not validate: %v", r.ID, err)
				}
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Errorf("Parse(%s) ids = %v, want %v", tt.file, ids, tt.wantIDs)
			}
			var lines []int
			for _, e := range errs {
				lines = append(lines, e.Line)
				if want, ok := tt.contains[e.Line]; ok && !strings.Contains(e.Error, want) {
					t.Errorf("line %d error %q, want it to contain %q", e.Line, e.Error, want)
				}
			}
			if !slices.Equal(lines, tt.wantErrs) {
				t.Errorf("Parse(%s) error lines = %v, want %v (%v)", tt.file, lines, tt.wantErrs, errs)
			}
		})
	}
}

func TestParseFields(t *testing.T) {
	csvDoc := "id,time,lat,lon,count,category,place,source,url\n" +
		"a,2025-01-23T10:00:00-05:00,40.5,-74.25,3,Criminal,\"Newark, NJ\",ice,https://x.example/a\n"
	reps, errs, err := Parse(strings.NewReader(csvDoc), CSV, nil, testNow)
	if err != nil || len(errs) != 0 || len(reps) != 1 {
		t.Fatalf("Parse = %v, %v, %v", reps, errs, err)
	}
	want := flight.Report{ID: "a", Time: time.Date(2025, 1, 23, 15, 0, 0, 0, time.UTC), Lat: 40.5, Lon: -74.25,
		Count: 3, Category: "criminal", Place: "Newark, NJ", Source: "ice", URL: "https://x.example/a"}
	if reps[0] != want {
		t.Errorf("Parse = %+v, want %+v", reps[0], want)
	}

	// A place only: resolved and marked so; the default category applies.
	reps, _, _ = Parse(strings.NewReader(`{"id":"b","time":"2025-01-23","place":"Denver, CO","count":2}`), NDJSON, testResolver, testNow)
	if len(reps) != 1 || !reps[0].Resolved || reps[0].Lat != 39.73915 || reps[0].Category != "unknown" ||
		!reps[0].Time.Equal(time.Date(2025, 1, 23, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Parse place-only = %+v", reps)
	}
	// No resolver: a clear row error.
	_, errs, _ = Parse(strings.NewReader(`{"id":"b","time":"2025-01-23","place":"Denver, CO","count":2}`), NDJSON, nil, testNow)
	if len(errs) != 1 || !strings.Contains(errs[0].Error, "place resolution unavailable") {
		t.Errorf("Parse without resolver errors = %v", errs)
	}
}

func TestParseDocumentErrors(t *testing.T) {
	tests := []struct {
		name   string
		doc    string
		format Format
		want   string
	}{
		{"csv empty", "", CSV, "empty"},
		{"csv no count", "id,time,lat,lon\n", CSV, "count"},
		{"csv no position", "id,time,count,source\n", CSV, "lat/lon or place"},
		{"csv lat without lon", "id,time,count,lat\n", CSV, "lat and lon"},
		{"geojson not json", "{", GeoJSON, "bad document"},
		{"geojson feature", `{"type":"Feature"}`, GeoJSON, "not FeatureCollection"},
		{"unknown format", "", Format(9), "unsupported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse(strings.NewReader(tt.doc), tt.format, nil, testNow)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error = %v, want one containing %q", tt.doc, err, tt.want)
			}
		})
	}
	_, _, err := Parse(strings.NewReader("id,time\n"), CSV, nil, testNow)
	if !errors.Is(err, ErrDocument) {
		t.Errorf("Parse missing columns error %v does not wrap ErrDocument", err)
	}
}

func TestFormatFor(t *testing.T) {
	tests := []struct {
		ct      string
		want    Format
		wantErr bool
	}{
		{"text/csv", CSV, false},
		{"text/csv; charset=utf-8", CSV, false},
		{"application/x-ndjson", NDJSON, false},
		{"application/geo+json", GeoJSON, false},
		{"application/json", GeoJSON, false},
		{"text/plain", 0, true},
		{"", 0, true},
		{";;", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.ct, func(t *testing.T) {
			got, err := FormatFor(tt.ct)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("FormatFor(%q) = %v, %v, want %v (error %v)", tt.ct, got, err, tt.want, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrContentType) {
				t.Errorf("FormatFor(%q) error %v does not wrap ErrContentType", tt.ct, err)
			}
		})
	}
}

func fuzzParse(f *testing.F, format Format, seeds ...string) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		reps, _, err := Parse(strings.NewReader(string(b)), format, testResolver, testNow)
		if err != nil && len(reps) > 0 {
			t.Fatalf("Parse returned reports with a document error")
		}
		seen := map[string]bool{}
		for _, r := range reps {
			if err := r.Validate(testNow); err != nil {
				t.Fatalf("report %+v does not validate: %v", r, err)
			}
			if seen[r.ID] {
				t.Fatalf("duplicate id %q returned", r.ID)
			}
			seen[r.ID] = true
		}
	})
}

func seedFile(f *testing.F, name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	return string(b)
}

func FuzzParseCSV(f *testing.F) {
	fuzzParse(f, CSV, seedFile(f, "mixed.csv"), seedFile(f, "arrests-2025-01-23.csv"), "id,time,count,place\n\"a")
}

func FuzzParseNDJSON(f *testing.F) {
	fuzzParse(f, NDJSON, seedFile(f, "mixed.ndjson"), seedFile(f, "arrests-2025-01-23-totals.ndjson"))
}

func FuzzParseGeoJSON(f *testing.F) {
	fuzzParse(f, GeoJSON, seedFile(f, "mixed.geojson"), `{"type":"FeatureCollection","features":null}`)
}

func BenchmarkParseCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("id,time,lat,lon,count,category,source\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&sb, "r%d,2025-01-23T10:00:00Z,40.%d,-74.%d,%d,criminal,ice\n", i, i, i, i%9+1)
	}
	doc := sb.String()
	b.ReportAllocs()
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if reps, _, err := Parse(strings.NewReader(doc), CSV, nil, testNow); err != nil || len(reps) != 1000 {
			b.Fatal(err, len(reps))
		}
	}
}
