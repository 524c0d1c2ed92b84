package routes

import (
	"os"
	"strings"
	"testing"

	"github.com/flightwatch/flightwatch/geo"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		loaded  int
		bad     int
		lookup  string
		stops   string // idents joined by -, for lookup
		wantErr bool
	}{
		{"header and ICAO codes", "Callsign,Code,Number,AirlineCode,AirportCodes\nAAL1,AA,1,AAL,KJFK-KLAX\n", 1, 0, "aal1", "KJFK-KLAX", false},
		{"no header", "GXA9001,G6,9001,GXA,KAEX-KHRL-MGGT\n", 1, 0, "GXA9001", "KAEX-KHRL-MGGT", false},
		{"IATA codes mapped to idents", "Callsign,Code,Number,AirlineCode,AirportCodes\nUAL2,UA,2,UAL,EWR-SFO\n", 1, 0, "UAL2", "KEWR-KSFO", false},
		{"mixed IATA and ICAO", "GXA9002,G6,9002,GXA,AEX-MSLP\n", 1, 0, "GXA9002", "KAEX-MSLP", false},
		{"columns in another order", "AirportCodes,Callsign\nKBIF-MGGT,RCH821\n", 1, 0, "RCH821", "KBIF-MGGT", false},
		{"unknown airport is a bad row", "A1,,,,KJFK-QQQQ\nB2,,,,KJFK-KBOS\n", 1, 1, "B2", "KJFK-KBOS", false},
		{"one stop is a bad row", "A1,,,,KJFK\n", 0, 1, "", "", false},
		{"short row", "A1,AA\n", 0, 1, "", "", false},
		{"bad callsign", "A B!,,,,KJFK-KBOS\n", 0, 1, "", "", false},
		{"duplicate callsign keeps the first", "A1,,,,KJFK-KBOS\nA1,,,,KJFK-KLAX\n", 1, 1, "A1", "KJFK-KBOS", false},
		{"empty file", "", 0, 0, "", "", false},
		{"header without the columns", "Foo,Callsign\nx,y\n", 0, 0, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, st, err := Load(strings.NewReader(tt.in), geo.Airports())
			if (err != nil) != tt.wantErr {
				t.Fatalf("Load() err = %v, want error %v", err, tt.wantErr)
			}
			if st.Loaded != tt.loaded || st.Bad != tt.bad || r.Len() != tt.loaded {
				t.Errorf("Load() loaded %d (len %d) bad %d, want %d and %d (errors %q)", st.Loaded, r.Len(), st.Bad, tt.loaded, tt.bad, st.Errors)
			}
			if st.Bad > 0 && (len(st.Errors) == 0 || !strings.HasPrefix(st.Errors[0], "line ")) {
				t.Errorf("errors = %q, want reasons with line numbers", st.Errors)
			}
			if tt.lookup == "" {
				return
			}
			stops, ok := r.Lookup(tt.lookup)
			var ids []string
			for _, a := range stops {
				ids = append(ids, a.Ident)
			}
			if !ok || strings.Join(ids, "-") != tt.stops {
				t.Errorf("Lookup(%q) = %v, %v; want %s", tt.lookup, ids, ok, tt.stops)
			}
		})
	}
}

func TestExampleFile(t *testing.T) {
	f := openFile(t, "../../configs/routes.csv")
	r, st, err := Load(f, geo.Airports())
	if err != nil || st.Bad != 0 || r.Len() != st.Rows {
		t.Fatalf("configs/routes.csv: %d routes of %d rows, %d bad (%q), err %v", r.Len(), st.Rows, st.Bad, st.Errors, err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add("Callsign,Code,Number,AirlineCode,AirportCodes\nAAL1,AA,1,AAL,KJFK-KLAX\n")
	f.Add("GXA1,,,,AEX-SAL-\n\"x,\"y\n")
	f.Add("a,b,c,d,e,f\n,,,,\n")
	f.Fuzz(func(t *testing.T, in string) {
		r, st, _ := Load(strings.NewReader(in), geo.Airports())
		if st.Loaded != r.Len() || st.Loaded+st.Bad > st.Rows || len(st.Errors) > maxErrors {
			t.Fatalf("stats %+v inconsistent with %d routes", st, r.Len())
		}
	})
}

func openFile(t *testing.T, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
