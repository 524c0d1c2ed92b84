package sbs

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/flight"
)

var recv = time.Date(2024, 11, 24, 8, 1, 0, 0, time.UTC)

func TestParseFixture(t *testing.T) {
	f, err := os.Open("testdata/fixture.sbs")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := Parser{Source: "test"}
	obs, rejects, err := p.Parse(f, recv)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	byHex := map[string]flight.Observation{}
	for _, o := range obs {
		if err := o.Validate(recv); err != nil {
			t.Errorf("observation %+v does not validate: %v", o, err)
		}
		if _, dup := byHex[o.Hex]; dup {
			t.Errorf("hex %s emitted twice", o.Hex)
		}
		byHex[o.Hex] = o
	}
	if len(obs) != 6 {
		t.Errorf("got %d observations, want 6: %+v", len(obs), obs)
	}
	want := map[string]int{
		feedstats.ReasonBadHex: 1, feedstats.ReasonBadAltitude: 1, feedstats.ReasonZeroPosition: 1,
		feedstats.ReasonShortLine: 1, feedstats.ReasonLineTooLong: 1, feedstats.ReasonJump: 1,
	}
	for reason, n := range want {
		if rejects[reason] != n {
			t.Errorf("rejects[%s] = %d, want %d (all: %v)", reason, rejects[reason], n, rejects)
		}
	}
	tests := []struct {
		name  string
		hex   string
		check func(o flight.Observation) bool
	}{
		{"merged callsign speed squawk", "a1b2c3", func(o flight.Observation) bool {
			return o.Callsign == "RCH821" && o.Known(flight.HasAlt|flight.HasGS|flight.HasTrack|flight.HasVRate|flight.HasGround) &&
				o.AltFt == 4500 && o.GSKt == 250 && o.TrackDeg == 135 && o.VRateFPM == -512 && o.Squawk == "1234" &&
				!o.OnGround && o.Lat == 31.85 && o.Lon == -106.38 && o.Source == "test" &&
				o.Time.Equal(time.Date(2024, 11, 24, 8, 0, 1, 0, time.UTC))
		}},
		{"23 fields", "4ca2d6", func(o flight.Observation) bool {
			return o.AltFt == 37000 && o.Time.Equal(time.Date(2008, 11, 28, 14, 53, 50, 594e6, time.UTC))
		}},
		{"GNSS altitude suffix", "abcdef", func(o flight.Observation) bool { return o.AltFt == 37000 && o.Known(flight.HasAlt) }},
		{"MLAT fields 19 20", "~c0ffee", func(o flight.Observation) bool { return o.AltFt == 12000 && o.Squawk == "" }},
		{"surface position on ground", "a00001", func(o flight.Observation) bool {
			return o.OnGround && o.Known(flight.HasGround) && !o.Known(flight.HasAlt) && o.GSKt == 12 && o.TrackDeg == 270
		}},
		{"empty time fields use receive time", "4b1908", func(o flight.Observation) bool { return o.Time.Equal(recv) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, ok := byHex[tt.hex]
			if !ok {
				t.Fatalf("no observation of %s", tt.hex)
			}
			if !tt.check(o) {
				t.Errorf("observation of %s = %+v", tt.hex, o)
			}
		})
	}
}

func TestLine(t *testing.T) {
	tests := []struct {
		name   string
		line   string
		ok     bool
		reason string
	}{
		{"heartbeat", "", false, ""},
		{"blank", "   ", false, ""},
		{"non MSG", "STA,,5,179,400AE7,10103,2008/11/28,14:58:51.153,2008/11/28,14:58:51.153,RM", false, ""},
		{"velocity only merges", "MSG,4,1,1,A1B2C3,1,2024/11/24,08:00:00.500,2024/11/24,08:00:00.500,,,250,135,,,-512,,0,0,0,0", false, ""},
		{"position", "MSG,3,1,1,A1B2C3,1,2024/11/24,08:00:01.000,2024/11/24,08:00:01.000,,4500,,,31.85,-106.38,,,0,0,0,0", true, ""},
		{"bad number", "MSG,3,1,1,A1B2C3,1,2024/11/24,08:00:01.000,2024/11/24,08:00:01.000,,45x0,,,31.85,-106.38,,,0,0,0,0", false, feedstats.ReasonBadNumber},
		{"bad date", "MSG,3,1,1,A1B2C3,1,2024-11-24,08:00:01.000,2024/11/24,08:00:01.000,,4500,,,31.85,-106.38,,,0,0,0,0", false, feedstats.ReasonBadTime},
		{"future time", "MSG,3,1,1,A1B2C3,1,2024/11/25,08:00:01.000,2024/11/25,08:00:01.000,,4500,,,31.85,-106.38,,,0,0,0,0", false, feedstats.ReasonInvalid},
		{"short hex", "MSG,3,1,1,A1B2,1,2024/11/24,08:00:01.000,2024/11/24,08:00:01.000,,4500,,,31.85,-106.38,,,0,0,0,0", false, feedstats.ReasonBadHex},
		{"lat out of range", "MSG,3,1,1,A1B2C3,1,2024/11/24,08:00:01.000,2024/11/24,08:00:01.000,,4500,,,91.5,-106.38,,,0,0,0,0", false, feedstats.ReasonInvalid},
		{"too long", "MSG,3" + strings.Repeat(",", 200), false, feedstats.ReasonLineTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Parser
			_, ok, reason := p.Line([]byte(tt.line), recv)
			if ok != tt.ok || reason != tt.reason {
				t.Errorf("Line(%q) = ok %v reason %q, want ok %v reason %q", tt.line, ok, reason, tt.ok, tt.reason)
			}
		})
	}
}

func TestTimezone(t *testing.T) {
	phoenix, err := time.LoadLocation("America/Phoenix")
	if err != nil {
		t.Skipf("no tz database: %v", err)
	}
	p := Parser{Location: phoenix}
	line := "MSG,3,1,1,A1B2C3,1,2024/11/24,01:00:01.000,2024/11/24,01:00:01.000,,4500,,,31.85,-106.38,,,0,0,0,0"
	o, ok, reason := p.Line([]byte(line), recv)
	if !ok {
		t.Fatalf("Line rejected: %s", reason)
	}
	if want := time.Date(2024, 11, 24, 8, 0, 1, 0, time.UTC); !o.Time.Equal(want) {
		t.Errorf("time = %v, want %v", o.Time, want)
	}
}

func TestStateExpires(t *testing.T) {
	var p Parser
	p.Line([]byte("MSG,1,1,1,A1B2C3,1,,,,,RCH821,,,,,,,,,,,"), recv)
	pos := []byte("MSG,3,1,1,A1B2C3,1,,,,,,4500,,,31.85,-106.38,,,0,0,0,0")
	o, ok, _ := p.Line(pos, recv.Add(10*time.Second))
	if !ok || o.Callsign != "RCH821" {
		t.Fatalf("within TTL: callsign %q ok %v, want RCH821", o.Callsign, ok)
	}
	o, ok, _ = p.Line(pos, recv.Add(2*time.Minute))
	if !ok || o.Callsign != "" {
		t.Errorf("after TTL: callsign %q ok %v, want empty", o.Callsign, ok)
	}
}

func realdata(t testing.TB, rel string) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	// The package is feeds/sbs inside the repository; realdata sits next
	// to the repository in ../shared/realdata.
	p := filepath.Join(wd, "..", "..", "..", "shared", "realdata", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real capture %s not present: %v", p, err)
	}
	return p
}

func TestRealCapture(t *testing.T) {
	path := realdata(t, "node_sbs1/msgs.txt")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var p Parser
	obs, rejects, err := p.Parse(bytes.NewReader(b), recv)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	lines := bytes.Count(b, []byte("\n"))
	positions := 0
	for _, l := range bytes.Split(b, []byte("\n")) {
		if bytes.HasPrefix(l, []byte("MSG,3,")) && !bytes.Contains(l, []byte(",,,,,,,,,,,")) {
			positions++
		}
	}
	t.Logf("%d lines, %d observations, rejects %v", lines, len(obs), rejects)
	if len(obs) == 0 || len(obs) > positions {
		t.Errorf("got %d observations from %d position lines", len(obs), positions)
	}
	for _, o := range obs {
		if err := o.Validate(recv); err != nil {
			t.Errorf("observation %+v: %v", o, err)
		}
		if !o.Time.Equal(recv) {
			t.Errorf("time %v, want receive time %v (capture has empty time fields)", o.Time, recv)
		}
	}
}

func FuzzParseSBS(f *testing.F) {
	b, err := os.ReadFile("testdata/fixture.sbs")
	if err != nil {
		f.Fatal(err)
	}
	for _, l := range bytes.Split(b, []byte("\n")) {
		f.Add(l)
	}
	f.Add([]byte("MSG,3,1,1,~ABCDEF,1,2024/11/24,08:00:01.9999999999,,,,-1H,,,1e308,-1e308,,,,,,-1"))
	f.Fuzz(func(t *testing.T, line []byte) {
		var p Parser
		for _, l := range bytes.Split(line, []byte("\n")) {
			o, ok, reason := p.Line(l, recv)
			if ok {
				if err := o.Validate(recv); err != nil {
					t.Errorf("Line(%q) returned invalid %+v: %v", l, o, err)
				}
			} else if reason == "" && o.Hex != "" {
				t.Errorf("Line(%q) returned a value without ok", l)
			}
		}
	})
}

func BenchmarkParseSBS(b *testing.B) {
	data, err := os.ReadFile("testdata/fixture.sbs")
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\r\n"))
	b.ReportAllocs()
	var p Parser
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, l := range lines {
			p.Line(l, recv)
			n++
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "lines/s")
}
