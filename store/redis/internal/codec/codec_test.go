package codec

import (
	"bytes"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

var codecCases = []struct {
	name string
	a    flight.Aircraft
}{
	{"bare", flight.Aircraft{Observation: flight.Observation{Hex: "abc123", Time: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC), Lat: -33.9, Lon: 151.2}}},
	{"zero time", flight.Aircraft{Observation: flight.Observation{Hex: "~00ff00", Lat: 1, Lon: 2}}},
	{"full", flight.Aircraft{
		Observation: flight.Observation{Hex: "ae1234", Time: time.Date(2025, 1, 24, 12, 0, 0, 999, time.UTC), Lat: 40.6413, Lon: -73.7781,
			AltFt: 35000, GSKt: 450.5, TrackDeg: 359.99, VRateFPM: -640, OnGround: true, Military: true,
			Has:      flight.HasAlt | flight.HasGS | flight.HasTrack | flight.HasVRate | flight.HasGround,
			Callsign: "RCH123", Reg: "05-5140", Type: "C17", Squawk: "7700", Source: "adsb"},
		Phase: flight.PhaseDescent, Tags: []string{"military", "removal-charter"}, Watch: "usaf", Leg: "ae1234-1",
	}},
	{"some optional fields", flight.Aircraft{Observation: flight.Observation{Hex: "abc124", Time: time.Unix(1, 0).UTC(), Lat: 0.5, Lon: -0.5,
		GSKt: 12, VRateFPM: 64, Has: flight.HasGS | flight.HasVRate}}},
}

func TestAircraftCodec(t *testing.T) {
	for _, tc := range codecCases {
		t.Run(tc.name, func(t *testing.T) {
			b := AppendAircraft(nil, &tc.a)
			var got flight.Aircraft
			if err := DecodeAircraft(b, &got); err != nil {
				t.Fatalf("DecodeAircraft() = %v", err)
			}
			if !reflect.DeepEqual(got, tc.a) {
				t.Errorf("DecodeAircraft(AppendAircraft(%+v)) = %+v", tc.a, got)
			}
			for n := range len(b) {
				if err := DecodeAircraft(b[:n], &got); err == nil {
					t.Errorf("DecodeAircraft(first %d of %d bytes) = nil error", n, len(b))
				}
			}
		})
	}
}

func TestPointCodecOrder(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	pts := []flight.TrackPoint{
		{Hex: "a", Time: t0, Lat: 1, Lon: 2},
		{Hex: "a", Time: t0.Add(1), Lat: -1, Lon: -2, AltFt: 100, Has: flight.HasAlt},
		{Hex: "a", Time: t0.Add(time.Hour), Lat: math.SmallestNonzeroFloat64, Lon: 180},
	}
	var prev []byte
	for _, p := range pts {
		b := AppendPoint(nil, &p)
		var got flight.TrackPoint
		if err := DecodePoint(b, "a", &got); err != nil || got != p {
			t.Errorf("DecodePoint(AppendPoint(%v)) = %v, %v", p, got, err)
		}
		if prev != nil && bytes.Compare(prev, b) >= 0 {
			t.Errorf("encoded %v does not sort after the previous point", p)
		}
		prev = b
	}
}

// FuzzDecodeAircraft checks that decoding never panics and that whatever
// decodes encodes back to the same bytes.
func FuzzDecodeAircraft(f *testing.F) {
	for _, tc := range codecCases {
		f.Add(AppendAircraft(nil, &tc.a))
	}
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		var a flight.Aircraft
		if err := DecodeAircraft(b, &a); err != nil {
			return
		}
		again := AppendAircraft(nil, &a)
		var b2 flight.Aircraft
		if err := DecodeAircraft(again, &b2); err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if !bytes.Equal(again, AppendAircraft(nil, &b2)) {
			t.Errorf("encoding not stable for %x", b)
		}
	})
}

// FuzzDecodePoint checks that decoding track points never panics.
func FuzzDecodePoint(f *testing.F) {
	f.Add(AppendPoint(nil, &flight.TrackPoint{Time: time.Unix(5, 0), Lat: 1, Lon: 2, AltFt: 3, Has: flight.HasAlt}))
	f.Add([]byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		var p flight.TrackPoint
		if err := DecodePoint(b, "x", &p); err != nil {
			return
		}
		if got := AppendPoint(nil, &p); !bytes.Equal(got, b) {
			t.Errorf("AppendPoint(DecodePoint(%x)) = %x", b, got)
		}
	})
}

func TestPosition(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    flight.Aircraft
	}{
		{"timed", flight.Aircraft{Observation: flight.Observation{Hex: "ae1234", Time: time.Unix(1737727385, 5).UTC(), Lat: 31.85, Lon: -106.38, AltFt: 4500, Has: flight.HasAlt}}},
		{"zero time", flight.Aircraft{Observation: flight.Observation{Hex: "ae1234", Lat: -89.5, Lon: 179.25}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := AppendAircraft(nil, &tc.a)
			lat, lon, ok := Position(string(b))
			if !ok || lat != tc.a.Lat || lon != tc.a.Lon {
				t.Errorf("Position = %v, %v, %v; want %v, %v, true", lat, lon, ok, tc.a.Lat, tc.a.Lon)
			}
			for n := range len(b) {
				if _, _, ok := Position(string(b[:n])); ok && n < 3+8+8 {
					t.Errorf("Position(first %d bytes) ok, want not ok", n)
				}
			}
		})
	}
}

func FuzzPosition(f *testing.F) {
	a := flight.Aircraft{Observation: flight.Observation{Hex: "ae1234", Time: time.Unix(1737727385, 0).UTC(), Lat: 31.85, Lon: -106.38}}
	f.Add(string(AppendAircraft(nil, &a)))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		lat, lon, ok := Position(s)
		var full flight.Aircraft
		if DecodeAircraftString(s, &full) == nil && (!ok || lat != full.Lat && !math.IsNaN(lat) || lon != full.Lon && !math.IsNaN(lon)) {
			t.Errorf("Position(%q) = %v, %v, %v; the full decode has %v, %v", s, lat, lon, ok, full.Lat, full.Lon)
		}
	})
}
