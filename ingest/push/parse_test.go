package push

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

var now = time.Date(2025, 1, 24, 15, 0, 0, 0, time.UTC)

func TestParseNDJSONFixture(t *testing.T) {
	f, err := os.Open("testdata/positions.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	obs, errs, err := Parse(f, "application/x-ndjson; charset=utf-8", now)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(obs) != 2 || obs[0].Hex != "ae1234" || obs[1].Hex != "ae1235" {
		t.Fatalf("observations = %+v, want ae1234 and ae1235", obs)
	}
	o := obs[0]
	if o.Callsign != "RCH821" || o.AltFt != 4500 || !o.Known(flight.HasGround) || o.Type != "C17" {
		t.Errorf("first observation = %+v", o)
	}
	var lines []int
	for _, e := range errs {
		lines = append(lines, e.Line)
		if e.Error == "" {
			t.Errorf("line %d: empty error", e.Line)
		}
	}
	if want := []int{4, 5, 6, 7, 8, 9}; fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Errorf("error lines = %v, want %v (%+v)", lines, want, errs)
	}
}

func TestParse(t *testing.T) {
	good := `{"hex":"ae1234","time":"2025-01-24T14:03:05Z","lat":31.85,"lon":-106.38}`
	bad := `{"hex":"ae1234","time":"2025-01-24T14:03:05Z","lat":131.85,"lon":-106.38}`
	tests := []struct {
		name     string
		body     string
		ctype    string
		obs      int
		errLines []int
		docErr   error
	}{
		{"ndjson", good + "\n" + good + "\n", NDJSON, 2, nil, nil},
		{"ndjson crlf no final newline", good + "\r\n" + good, NDJSON, 2, nil, nil},
		{"ndjson blank lines", "\n\n" + good + "\n\n" + bad + "\n", NDJSON, 1, []int{5}, nil},
		{"ndjson empty", "", NDJSON, 0, nil, nil},
		{"json array", "[" + good + "," + bad + "," + good + "]", JSON, 2, []int{2}, nil},
		{"json array spaces", " \n[ " + good + " ]\n", JSON, 1, nil, nil},
		{"json empty array", "[]", JSON, 0, nil, nil},
		{"json single object", good, JSON, 1, nil, nil},
		{"json single bad object", bad, JSON, 0, []int{1}, nil},
		{"json array element not object", "[1," + good + "]", JSON, 1, []int{1}, nil},
		{"json broken array", "[" + good + ",{", JSON, 1, nil, ErrDocument},
		{"json unterminated", "[" + good, JSON, 1, nil, ErrDocument},
		{"json trailing data", "[" + good + "] x", JSON, 1, nil, ErrDocument},
		{"json scalar", "42", JSON, 0, nil, ErrDocument},
		{"json empty body", "", JSON, 0, nil, ErrDocument},
		{"json broken object", `{"hex":`, JSON, 0, nil, ErrDocument},
		{"unknown type", good, "text/csv", 0, nil, ErrContentType},
		{"no type", good, "", 0, nil, ErrContentType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, errs, err := Parse(strings.NewReader(tt.body), tt.ctype, now)
			if tt.docErr != nil {
				if !errors.Is(err, tt.docErr) {
					t.Fatalf("Parse err = %v, want %v", err, tt.docErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse err = %v", err)
			}
			if len(obs) != tt.obs {
				t.Errorf("got %d observations, want %d", len(obs), tt.obs)
			}
			var lines []int
			for _, e := range errs {
				lines = append(lines, e.Line)
			}
			if fmt.Sprint(lines) != fmt.Sprint(tt.errLines) {
				t.Errorf("error lines = %v, want %v (%+v)", lines, tt.errLines, errs)
			}
		})
	}
}

func TestLongLine(t *testing.T) {
	good := `{"hex":"ae1234","time":"2025-01-24T14:03:05Z","lat":31.85,"lon":-106.38}`
	long := `{"hex":"ae1234","time":"2025-01-24T14:03:05Z","lat":31.85,"lon":-106.38,"source":"` +
		strings.Repeat("x", MaxLine) + `"}`
	body := good + "\n" + long + "\n" + good + "\n"
	obs, errs, err := Parse(strings.NewReader(body), NDJSON, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 2 || len(errs) != 1 || errs[0].Line != 2 {
		t.Errorf("got %d observations, errors %+v; want 2 and one error on line 2", len(obs), errs)
	}
}

func FuzzPush(f *testing.F) {
	b, err := os.ReadFile("testdata/positions.ndjson")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b, true)
	f.Add([]byte(`[{"hex":"ae1234","time":"2025-01-24T14:03:05Z","lat":31.85,"lon":-106.38}]`), false)
	f.Add([]byte(`{"hex":"ae1234","time":"2025-01-24T14:03:05Z","lat":31.85,"lon":-106.38,"track":-720}`), false)
	f.Fuzz(func(t *testing.T, body []byte, ndjson bool) {
		ct := JSON
		if ndjson {
			ct = NDJSON
		}
		obs, _, _ := Parse(bytes.NewReader(body), ct, now)
		for _, o := range obs {
			if err := o.Validate(now); err != nil {
				t.Errorf("Parse returned invalid %+v: %v", o, err)
			}
		}
	})
}

func benchBody(n int, array bool) []byte {
	var b bytes.Buffer
	if array {
		b.WriteByte('[')
	}
	base := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		o := flight.Observation{Hex: fmt.Sprintf("%06x", 0xa00000+i), Time: base.Add(time.Duration(i) * time.Millisecond),
			Lat: 30 + float64(i%1000)/100, Lon: -100 - float64(i%500)/100, AltFt: 35000, GSKt: 450, TrackDeg: 90,
			VRateFPM: 0, Callsign: "RCH821", Squawk: "1234", Source: "bench",
			Has: flight.HasAlt | flight.HasGS | flight.HasTrack | flight.HasVRate}
		if array && i > 0 {
			b.WriteByte(',')
		}
		b.Write(o.AppendJSON(nil))
		if !array {
			b.WriteByte('\n')
		}
	}
	if array {
		b.WriteByte(']')
	}
	return b.Bytes()
}

func BenchmarkParse(b *testing.B) {
	for _, bc := range []struct {
		name  string
		ctype string
		array bool
	}{{"ndjson", NDJSON, false}, {"json", JSON, true}} {
		b.Run(bc.name, func(b *testing.B) {
			const n = 1000
			body := benchBody(n, bc.array)
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				obs, errs, err := Parse(bytes.NewReader(body), bc.ctype, now)
				if err != nil || len(errs) > 0 || len(obs) != n {
					b.Fatalf("Parse: %d obs, %v, %v", len(obs), errs, err)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "obs/s")
		})
	}
}

// FuzzFastDecode checks the reflection-free decoder agrees with
// flight.Observation.UnmarshalJSON whenever it accepts an input.
func FuzzFastDecode(f *testing.F) {
	b, err := os.ReadFile("testdata/positions.ndjson")
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range bytes.Split(b, []byte("\n")) {
		f.Add(l)
	}
	for _, s := range []string{
		`{"hex":"ae1234","time":"2025-01-24T14:03:05.123+02:00","lat":-0,"lon":1E2,"on_ground":true,"military":false,"lat":5}`,
		`{"hex":"ae1234","time":"2025-01-24T14:03:05Z","lat":01,"lon":1}`,
		`{"HEX":"ae1234","time":"2025-01-24T14:03:05Z","lat":1,"lon":1}`,
		`{"hex":"ae1234","time":"2025-01-24T14:03:05Z","lat":1e400,"lon":1}`,
		` {"hex" : "ae1234" , "time":"2025-01-24T14:03:05Z","lat":1.5e-3,"lon":1} `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var fast, slow flight.Observation
		if !decodeFast(b, &fast) {
			return
		}
		if err := slow.UnmarshalJSON(b); err != nil {
			t.Fatalf("fast accepted %q, slow: %v", b, err)
		}
		if !fast.Time.Equal(slow.Time) {
			t.Fatalf("%q: time %v, slow %v", b, fast.Time, slow.Time)
		}
		fast.Time, slow.Time = time.Time{}, time.Time{}
		if fast != slow {
			t.Fatalf("%q:\nfast %+v\nslow %+v", b, fast, slow)
		}
	})
}
