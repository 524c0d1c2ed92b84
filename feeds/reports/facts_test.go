package reports

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flightwatch/flightwatch/geo"
)

// The places named for the arrests of 23 January 2025, resolved with the
// embedded gazetteer: every city resolves except Sasabe, AZ.
func TestParseArrestFigures(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		format    Format
		wantN     int
		wantCount int
		wantErr   string
	}{
		{"cities", "arrests-2025-01-23.csv", CSV, 8, 10, "Sasabe, AZ"},
		{"totals", "arrests-2025-01-23-totals.ndjson", NDJSON, 2, 538, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			reps, errs, err := Parse(f, tt.format, geo.Gazetteer(), testNow)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, r := range reps {
				total += r.Count
				if !r.Resolved {
					t.Errorf("report %s not marked Resolved", r.ID)
				}
			}
			if len(reps) != tt.wantN || total != tt.wantCount {
				t.Errorf("Parse(%s) = %d reports counting %d, want %d counting %d", tt.file, len(reps), total, tt.wantN, tt.wantCount)
			}
			switch {
			case tt.wantErr == "" && len(errs) != 0:
				t.Errorf("Parse(%s) errors %v", tt.file, errs)
			case tt.wantErr != "" && (len(errs) != 1 || !strings.Contains(errs[0].Error, tt.wantErr)):
				t.Errorf("Parse(%s) errors %v, want one naming %q", tt.file, errs, tt.wantErr)
			}
		})
	}
}
