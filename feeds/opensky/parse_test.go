package opensky

import (
	"math"
	"os"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/feedtest"
	"github.com/flightwatch/flightwatch/flight"
)

var recv = time.Date(2024, 11, 24, 8, 0, 1, 0, time.UTC)

func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

func TestDecodeFixture(t *testing.T) {
	body := feedtest.Fixture(t, "states.json")
	d := Decoder{Source: "opensky"}
	obs, rejects, err := d.Decode(body, recv)
	if err != nil {
		t.Fatal(err)
	}
	byHex := feedtest.ByHex(t, obs, recv)
	tests := []struct {
		name  string
		hex   string
		check func(o flight.Observation) bool
	}{
		{"units converted", "ae1234", func(o flight.Observation) bool {
			return near(o.AltFt, 4500) && near(o.GSKt, 249.98) && near(o.VRateFPM, -500) && o.TrackDeg == 135.2 &&
				o.Callsign == "RCH821" && o.Squawk == "1234" && !o.OnGround && o.Known(flight.HasGround) &&
				o.Time.Equal(time.Unix(1732435198, 0)) && o.Source == "opensky"
		}},
		{"on ground, extended 18 elements", "a00001", func(o flight.Observation) bool {
			return o.OnGround && !o.Known(flight.HasAlt) && !o.Known(flight.HasVRate) && near(o.GSKt, 11.99)
		}},
		{"emergency squawk", "c0ffee", func(o flight.Observation) bool { return o.Squawk == "7700" && near(o.AltFt, 12000) }},
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
	want := map[string]int{feedstats.ReasonNoPosition: 1, feedstats.ReasonBadHex: 1, feedstats.ReasonBadRecord: 1, feedstats.ReasonZeroPosition: 1}
	feedtest.Rejects(t, rejects, want)
}

func TestDecodeDocuments(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		obs     int
		wantErr bool
	}{
		{"null states", `{"time":1732435200,"states":null}`, 0, false},
		{"empty states", `{"time":1732435200,"states":[]}`, 0, false},
		{"no time", `{"states":[]}`, 0, true},
		{"states not array", `{"time":1,"states":{}}`, 0, true},
		{"html", `<html>`, 0, true},
		{"state not array", `{"time":1732435200,"states":[42]}`, 0, false},
		{"wrong types", `{"time":1732435200,"states":[[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]]}`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d Decoder
			obs, _, err := d.Decode([]byte(tt.body), recv)
			if (err != nil) != tt.wantErr || len(obs) != tt.obs {
				t.Errorf("Decode(%s) = %d obs, err %v; want %d, error %v", tt.body, len(obs), err, tt.obs, tt.wantErr)
			}
		})
	}
}

func FuzzOpenSky(f *testing.F) {
	b, err := os.ReadFile("testdata/states.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"time":1,"states":[["ae1234",null,"x",1e300,1,-1e308,1e-320,1e308,null,-5,-720,1e9,null,null,"77777",false,0]]}`))
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
