package adsbxv2

import (
	"os"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/readsb"
)

var recv = time.Date(2024, 11, 24, 8, 0, 1, 0, time.UTC)

func TestParseFixture(t *testing.T) {
	body, err := os.ReadFile("testdata/mil.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := readsb.Decoder{Source: "mil"}
	obs, rejects, err := Parse(&dec, body, recv)
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 2 {
		t.Fatalf("got %d observations, want 2: %+v", len(obs), obs)
	}
	now := time.Date(2024, 11, 24, 8, 0, 0, 5e8, time.UTC)
	if o := obs[0]; o.Hex != "ae1234" || !o.Military || o.AltFt != 31000 || o.Callsign != "RCH821" ||
		!o.Time.Equal(now.Add(-1200*time.Millisecond)) || o.Source != "mil" {
		t.Errorf("first = %+v", o)
	}
	if o := obs[1]; !o.OnGround || o.Type != "H60" {
		t.Errorf("second = %+v", o)
	}
	if rejects[feedstats.ReasonNoPosition] != 1 {
		t.Errorf("rejects = %v, want one no_position", rejects)
	}
}

func TestParseDocuments(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		obs     int
		wantErr bool
	}{
		{"no aircraft", `{"ac":[],"msg":"No error","now":1732435200500,"total":0}`, 0, false},
		{"null ac", `{"ac":null,"msg":"No error","now":1732435200500,"total":0}`, 0, false},
		{"float now", `{"ac":[{"hex":"ae1234","lat":31,"lon":-106}],"now":1732435200500.5}`, 1, false},
		{"aircraft.json shape", `{"now":1732435200.5,"aircraft":[]}`, 0, false},
		{"error text", `{"msg":"You need an api key"}`, 0, true},
		{"garbage", `Too many requests`, 0, true},
		{"array", `[{"hex":"ae1234"}]`, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dec readsb.Decoder
			obs, _, err := Parse(&dec, []byte(tt.body), recv)
			if (err != nil) != tt.wantErr || len(obs) != tt.obs {
				t.Errorf("Parse(%s) = %d obs, err %v; want %d, error %v", tt.body, len(obs), err, tt.obs, tt.wantErr)
			}
		})
	}
}

func FuzzAdsbx(f *testing.F) {
	b, err := os.ReadFile("testdata/mil.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"ac":[{"hex":"ae1234","lat":31,"lon":-106,"alt_baro":"ground","track":-400}],"now":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var dec readsb.Decoder
		obs, _, _ := Parse(&dec, body, recv)
		for _, o := range obs {
			if err := o.Validate(recv); err != nil {
				t.Errorf("Parse returned invalid %+v: %v", o, err)
			}
		}
	})
}
