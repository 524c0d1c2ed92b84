package flight

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2025, 1, 24, 15, 0, 0, 0, time.UTC)

func valid() Observation {
	return Observation{Hex: "ae1234", Time: now, Lat: 31.85, Lon: -106.38, AltFt: 4500, GSKt: 250,
		TrackDeg: 135, VRateFPM: -500, Callsign: "RCH821", Reg: "05-5140", Type: "C17", Squawk: "1234",
		Has: HasAlt | HasGS | HasTrack | HasVRate | HasGround, Source: "x"}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Observation)
		want string // "" = valid
	}{
		{"valid", func(*Observation) {}, ""},
		{"non-icao hex", func(o *Observation) { o.Hex = "~a1b2c3" }, ""},
		{"short hex", func(o *Observation) { o.Hex = "ae123" }, "hex"},
		{"upper hex", func(o *Observation) { o.Hex = "AE1234" }, "hex"},
		{"lat range", func(o *Observation) { o.Lat = 91 }, "lat"},
		{"lon range", func(o *Observation) { o.Lon = -180.5 }, "lon"},
		{"nan", func(o *Observation) { o.Lat = math.NaN() }, "finite"},
		{"inf", func(o *Observation) { o.Lon = math.Inf(1) }, "finite"},
		{"null island", func(o *Observation) { o.Lat, o.Lon = 0, 0 }, "0,0"},
		{"no time", func(o *Observation) { o.Time = time.Time{} }, "time"},
		{"future", func(o *Observation) { o.Time = now.Add(time.Hour) }, "future"},
		{"near future", func(o *Observation) { o.Time = now.Add(time.Minute) }, ""},
		{"altitude", func(o *Observation) { o.AltFt = 150000 }, "alt_ft"},
		{"unknown altitude ignored", func(o *Observation) { o.AltFt, o.Has = 150000, o.Has&^HasAlt }, ""},
		{"absurd speed", func(o *Observation) { o.GSKt = 9000 }, "gs_kt"},
		{"negative speed", func(o *Observation) { o.GSKt = -1 }, "gs_kt"},
		{"track", func(o *Observation) { o.TrackDeg = 360 }, "track"},
		{"vrate", func(o *Observation) { o.VRateFPM = 1e6 }, "vrate"},
		{"squawk", func(o *Observation) { o.Squawk = "7800" }, "squawk"},
		{"control chars", func(o *Observation) { o.Callsign = "RCH\x01" }, "control"},
		{"long callsign", func(o *Observation) { o.Callsign = "ABCDEFGHIJ" }, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := valid()
			tt.edit(&o)
			err := o.Validate(now)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v, want an error about %q", err, tt.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	o := Observation{Hex: " AE1234 ", Callsign: "rch821  ", TrackDeg: -90, Has: HasTrack, Time: now.In(time.FixedZone("x", 3600))}
	o.Normalize()
	if o.Hex != "ae1234" || o.Callsign != "RCH821" || o.TrackDeg != 270 || o.Time.Location() != time.UTC {
		t.Errorf("Normalize() = %+v", o)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	for _, o := range []Observation{valid(), {Hex: "~abcdef", Time: now, Lat: -33.5, Lon: 151.2, Callsign: `Q"\` + "\u2028é"}} {
		b, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		if !json.Valid(b) {
			t.Fatalf("invalid JSON %s", b)
		}
		var got Observation
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("Unmarshal(%s) = %v", b, err)
		}
		if got != o {
			t.Errorf("round trip:\n got  %+v\n want %+v", got, o)
		}
	}
}

func TestAircraftJSON(t *testing.T) {
	a := Aircraft{Observation: valid(), Phase: PhaseCruise, Tags: []string{"military", "x\x01y"}, Watch: "w", Leg: "ae1234-1"}
	b, err := json.Marshal(a)
	if err != nil || !json.Valid(b) {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var got Aircraft
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.Phase != a.Phase || got.Watch != a.Watch || got.Leg != a.Leg || len(got.Tags) != 2 || got.Tags[1] != "x\x01y" || got.Observation != a.Observation {
		t.Errorf("round trip = %+v, want %+v", got, a)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	for _, in := range []string{`{}`, `{"hex":"ae1234","lat":1,"lon":2}`, `{"hex":"ae1234","time":"yesterday","lat":1,"lon":2}`, `[1]`, `{"lat":"x"}`} {
		var o Observation
		if err := json.Unmarshal([]byte(in), &o); err == nil {
			t.Errorf("Unmarshal(%s) = nil error", in)
		}
	}
}

func TestAppendFloat(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		prec int
		want string
	}{{1.5, 1, "1.5"}, {2.0, 3, "2"}, {-0.0001, 2, "0"}, {math.NaN(), 1, "null"}, {31.849501, 6, "31.849501"}, {100, 0, "100"}} {
		if got := string(AppendFloat(nil, tt.v, tt.prec)); got != tt.want {
			t.Errorf("AppendFloat(%v, %d) = %s, want %s", tt.v, tt.prec, got, tt.want)
		}
	}
}

func FuzzObservationJSON(f *testing.F) {
	f.Add([]byte(`{"hex":"ae1234","time":"2025-01-24T14:03:05Z","lat":31.85,"lon":-106.38,"alt_ft":4500,"callsign":"RCH821"}`))
	f.Add([]byte(`{"hex":"~abc","time":"2025-01-24T14:03:05.5+01:00","lat":-91,"lon":0,"on_ground":true}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var o Observation
		if err := o.UnmarshalJSON(in); err != nil {
			return
		}
		o.Normalize()
		if o.Validate(time.Time{}) != nil {
			return
		}
		b := o.AppendJSON(nil)
		if !json.Valid(b) {
			t.Fatalf("AppendJSON wrote invalid JSON %q from %q", b, in)
		}
		var back Observation
		if err := back.UnmarshalJSON(b); err != nil {
			t.Fatalf("re-read %s: %v", b, err)
		}
	})
}

func TestReportValidate(t *testing.T) {
	r := Report{ID: " r1 ", Time: now, Lat: 40.7, Lon: -74.2, Count: 3}
	if err := r.Validate(now); err != nil || r.ID != "r1" || r.Category != "unknown" {
		t.Errorf("Validate() = %v, %+v", err, r)
	}
	for _, bad := range []Report{{ID: "", Time: now, Lat: 1, Lon: 1, Count: 1}, {ID: "x", Lat: 1, Lon: 1, Count: 1},
		{ID: "x", Time: now, Lat: 1, Lon: 1, Count: 0}, {ID: "x", Time: now, Lat: 99, Lon: 1, Count: 1},
		{ID: "x", Time: now.Add(48 * time.Hour), Lat: 1, Lon: 1, Count: 1}} {
		if err := bad.Validate(now); err == nil {
			t.Errorf("Validate(%+v) = nil, want an error", bad)
		}
	}
}

func TestCellPublished(t *testing.T) {
	tests := []struct {
		name     string
		count, k int
		want     bool
	}{
		{"default withholds two", 2, 0, false},
		{"default publishes three", DefaultMinCellCount, 0, true},
		{"negative k is the default", 2, -1, false},
		{"k one publishes one", 1, 1, true},
		{"below k", 9, 10, false},
		{"at k", 10, 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CellPublished(tt.count, tt.k); got != tt.want {
				t.Errorf("CellPublished(%d, %d) = %v, want %v", tt.count, tt.k, got, tt.want)
			}
		})
	}
}

func TestValidSquawk(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"emergency", "7700", true},
		{"zeros", "0000", true},
		{"digit 8", "7800", false},
		{"three digits", "770", false},
		{"five digits", "77000", false},
		{"letter", "7a00", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidSquawk(tt.in); got != tt.want {
				t.Errorf("ValidSquawk(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
