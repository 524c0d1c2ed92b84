package readsb

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/feedtest"
	"github.com/flightwatch/flightwatch/flight"
)

var recv = time.Date(2024, 11, 24, 8, 0, 1, 0, time.UTC)

func TestDecodeFixture(t *testing.T) {
	body := feedtest.Fixture(t, "aircraft.json")
	d := Decoder{Source: "tar1090"}
	obs, rejects, err := d.Decode(body, recv)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	now := time.Date(2024, 11, 24, 8, 0, 0, 5e8, time.UTC)
	byHex := feedtest.ByHex(t, obs, recv)
	tests := []struct {
		name  string
		hex   string
		check func(o flight.Observation) bool
	}{
		{"full entry", "ae1234", func(o flight.Observation) bool {
			return o.Callsign == "RCH821" && o.Reg == "05-5140" && o.Type == "C17" && o.Military &&
				o.AltFt == 4500 && o.GSKt == 250.3 && o.TrackDeg == 135.2 && o.VRateFPM == -512 &&
				o.Squawk == "1234" && !o.Known(flight.HasGround) && o.Source == "tar1090" &&
				o.Time.Equal(now.Add(-500*time.Millisecond))
		}},
		{"ground", "a00001", func(o flight.Observation) bool {
			return o.OnGround && o.Known(flight.HasGround) && !o.Known(flight.HasAlt) && o.Time.Equal(now.Add(-2*time.Second))
		}},
		{"non-ICAO geom rate", "~2d3e4f", func(o flight.Observation) bool { return o.VRateFPM == 640 && !o.Military }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, ok := byHex[tt.hex]
			if !ok {
				t.Fatalf("no observation of %s in %+v", tt.hex, obs)
			}
			if !tt.check(o) {
				t.Errorf("observation = %+v", o)
			}
		})
	}
	if len(obs) != 3 {
		t.Errorf("got %d observations, want 3", len(obs))
	}
	want := map[string]int{feedstats.ReasonNoPosition: 2, feedstats.ReasonStale: 1, feedstats.ReasonZeroPosition: 1,
		feedstats.ReasonBadHex: 1, feedstats.ReasonBadNumber: 1, feedstats.ReasonBadRecord: 1, feedstats.ReasonInvalid: 1}
	feedtest.Rejects(t, rejects, want)
}

func TestDecodeOlderFork(t *testing.T) {
	body := feedtest.Fixture(t, "aircraft_old.json")
	var d Decoder
	obs, _, err := d.Decode(body, time.Date(2017, 5, 19, 14, 10, 1, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 2 {
		t.Fatalf("got %d observations, want 2", len(obs))
	}
	if o := obs[0]; o.AltFt != 24000 || o.GSKt != 395 || o.VRateFPM != -1216 || o.Callsign != "DLH9LF" {
		t.Errorf("altitude/speed fork = %+v", o)
	}
	if o := obs[1]; !o.OnGround || o.GSKt != 0 || !o.Known(flight.HasGS) {
		t.Errorf("ground fork = %+v", o)
	}
}

func TestDecodeDocuments(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		obs     int
		wantErr bool
	}{
		{"empty aircraft", `{"now":1732435200,"aircraft":[]}`, 0, false},
		{"no now uses receive time", `{"aircraft":[{"hex":"ae1234","lat":31,"lon":-106}]}`, 1, false},
		{"html", `<html>502 Bad Gateway</html>`, 0, true},
		{"array", `[]`, 0, true},
		{"no aircraft key", `{"now":1}`, 0, true},
		{"truncated", `{"now":1732435200,"aircraft":[{"hex":"ae1234"`, 0, true},
		{"bad now", `{"now":"x","aircraft":[]}`, 0, true},
		{"negative now", `{"now":-5,"aircraft":[]}`, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decoder
			obs, _, err := d.Decode([]byte(tt.body), recv)
			if (err != nil) != tt.wantErr || len(obs) != tt.obs {
				t.Errorf("Decode(%s) = %d obs, err %v; want %d obs, error %v", tt.body, len(obs), err, tt.obs, tt.wantErr)
			}
		})
	}
}

func TestJumpFilter(t *testing.T) {
	var d Decoder
	first := `{"now":1732435200,"aircraft":[{"hex":"ae1234","lat":31,"lon":-106,"seen_pos":0}]}`
	jump := `{"now":1732435201,"aircraft":[{"hex":"ae1234","lat":35,"lon":-106,"seen_pos":0}]}`
	near := `{"now":1732435202,"aircraft":[{"hex":"ae1234","lat":31.001,"lon":-106,"seen_pos":0}]}`
	for _, tc := range []struct {
		body string
		want int
	}{{first, 1}, {jump, 0}, {near, 1}} {
		obs, rejects, err := d.Decode([]byte(tc.body), recv.Add(time.Hour))
		if err != nil || len(obs) != tc.want {
			t.Errorf("Decode(%s) = %d obs (%v, %v), want %d", tc.body, len(obs), rejects, err, tc.want)
		}
	}
}

func realDir(t testing.TB) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(wd, "..", "..", "..", "shared", "realdata", "dump1090_fa_jsondata", "phoenix_2022-11-28")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real aircraft.json snapshots %s not present: %v", p, err)
	}
	return p
}

func TestRealSnapshots(t *testing.T) {
	dir := realDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Skipf("no snapshots in %s", dir)
	}
	total := 0
	for _, f := range files {
		if base := filepath.Base(f); base == "receiver.json" || base == "stats.json" {
			continue // not aircraft documents
		}
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var d Decoder
		obs, rejects, err := d.Decode(body, time.Date(2022, 11, 29, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		for _, o := range obs {
			if err := o.Validate(time.Time{}); err != nil {
				t.Errorf("%s: %+v: %v", filepath.Base(f), o, err)
			}
			if o.Time.Year() != 2022 {
				t.Errorf("%s: time %v not in 2022", filepath.Base(f), o.Time)
			}
		}
		if rejects[feedstats.ReasonBadRecord] > 0 || rejects[feedstats.ReasonInvalid] > 0 {
			t.Errorf("%s: rejects %v", filepath.Base(f), rejects)
		}
		total += len(obs)
	}
	t.Logf("%d files, %d observations", len(files), total)
	if total == 0 {
		t.Error("no observations from the real snapshots")
	}
}

func FuzzReadsb(f *testing.F) {
	for _, name := range []string{"testdata/aircraft.json", "testdata/aircraft_old.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"now":1e300,"aircraft":[{"hex":"~ABCDEF","lat":1e308,"lon":-0,"seen_pos":-1}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var d Decoder
		obs, _, _ := d.Decode(body, recv)
		for _, o := range obs {
			if err := o.Validate(recv); err != nil {
				t.Errorf("Decode returned invalid %+v: %v", o, err)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	body, err := os.ReadFile("testdata/aircraft.json")
	if err != nil {
		b.Fatal(err)
	}
	if dir, err := filepath.Abs("../../../shared/realdata/dump1090_fa_jsondata/phoenix_2022-11-28/aircraft.json"); err == nil {
		if real, err := os.ReadFile(dir); err == nil {
			body = real
		}
	}
	var d Decoder
	_, rejects, err := d.Decode(body, recv)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, v := range rejects {
		n += v
	}
	obs, _, _ := d.Decode(body, recv)
	n += len(obs)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		d.Decode(body, recv)
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "aircraft/s")
}
