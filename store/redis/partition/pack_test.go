package partition

import (
	"reflect"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

func packCases() []flight.Observation {
	t0 := time.Date(2025, 1, 24, 14, 3, 5, 123456789, time.UTC)
	return []flight.Observation{
		{Hex: "ae1234", Time: t0, Lat: 31.85, Lon: -106.38, AltFt: 4500, GSKt: 250, TrackDeg: 135, VRateFPM: -500,
			OnGround: false, Has: flight.HasAlt | flight.HasGS | flight.HasTrack | flight.HasVRate | flight.HasGround,
			Military: true, Callsign: "RCH821", Reg: "05-5140", Type: "C17", Squawk: "1234", Source: "x"},
		{Hex: "~abc", Time: t0.Add(time.Second), Lat: -90, Lon: 180, OnGround: true, Has: flight.HasGround},
		{Hex: "a00001", Time: t0.Add(2 * time.Second), Lat: 0, Lon: 0, Source: string(make([]byte, 300))},
	}
}

func TestPackRoundTrip(t *testing.T) {
	in := packCases()
	var b, scratch []byte
	for i := range in {
		b, scratch = appendObs(b, scratch, &in[i])
	}
	got, err := decodeObs(string(b), nil)
	if err != nil {
		t.Fatalf("decodeObs: %v", err)
	}
	if !reflect.DeepEqual(got, in) {
		t.Errorf("decodeObs(appendObs(x)) = %+v, want %+v", got, in)
	}
	if _, err := decodeObs(string(b[:len(b)-1]), nil); err == nil {
		t.Errorf("decodeObs of a truncated batch: no error")
	}
}

func FuzzDecodeObs(f *testing.F) {
	in := packCases()
	var b, scratch []byte
	for i := range in {
		b, scratch = appendObs(b, scratch, &in[i])
		f.Add(b)
	}
	f.Add([]byte{0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		obs, err := decodeObs(string(data), nil)
		if err != nil {
			return
		}
		var re, sc []byte
		for i := range obs {
			re, sc = appendObs(re, sc, &obs[i])
		}
		again, err := decodeObs(string(re), nil)
		if err != nil || len(again) != len(obs) {
			t.Fatalf("re-encoded batch of %d decodes to %d, %v", len(obs), len(again), err)
		}
	})
}
