package stream

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

func TestAppendScaled(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0"}, {10000, "1"}, {-1065000, "-106.5"}, {1234, "0.1234"}, {-1, "-0.0001"}, {1795000, "179.5"},
	}
	for _, tt := range tests {
		if got := string(appendScaled(nil, tt.in)); got != tt.want {
			t.Errorf("appendScaled(%d) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAppendDelta(t *testing.T) {
	base := flight.Aircraft{Observation: flight.Observation{Hex: "ae0001", Time: time.Unix(1_800_000_000, 0),
		Lat: 40.123456, Lon: -100.654321, AltFt: 35000, GSKt: 450.4, TrackDeg: 89.6, Callsign: "RCH1",
		Has: flight.HasAlt | flight.HasGS | flight.HasTrack}, Tags: []string{"military"}}
	moved := base
	moved.Lon += 0.01
	moved.Time = moved.Time.Add(time.Second)
	tiny := base
	tiny.Lat += 0.00001 // below the rounding
	tiny.GSKt += 0.05
	lostAlt := base
	lostAlt.Has &^= flight.HasAlt
	onLeg := base
	onLeg.Leg = "ae0001-1799999940"
	tests := []struct {
		name string
		a    flight.Aircraft
		prev *flight.Aircraft
		want string
	}{
		{"full", base, nil, `{"id":"ae0001","f":1,"c":[-100.6543,40.1235],"callsign":"RCH1","reg":null,"type":null,` +
			`"alt_ft":35000,"gs_kt":450,"track":90,"on_ground":null,"seen":1800000000,"phase":null,"tags":["military"],` +
			`"watch":null,"squawk":null,"vrate_fpm":null,"military":false,"leg":null,"leg_start":null,"source":null}`},
		{"new leg", onLeg, &base, `{"id":"ae0001","leg":"ae0001-1799999940","leg_start":1799999940}`},
		{"moved", moved, &base, `{"id":"ae0001","c":[-100.6443,40.1235],"seen":1800000001}`},
		{"below rounding", tiny, &base, `{"id":"ae0001"}`},
		{"field now unknown", lostAlt, &base, `{"id":"ae0001","alt_ft":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(appendDelta(nil, &tt.a, tt.prev))
			if got != tt.want {
				t.Errorf("appendDelta = %s\nwant %s", got, tt.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("appendDelta = %s: not JSON", got)
			}
		})
	}
}

// TestStreamDelta subscribes in the delta format: a GeoJSON snapshot,
// then for the first change of an aircraft the client got from the
// snapshot a full item (or a delta, when the hub's batch of the snapshot
// state came after the snapshot's offset), then only the fields that
// changed.
func TestStreamDelta(t *testing.T) {
	in := startHub(t, Config{})
	now := time.Now().Add(-time.Minute).Truncate(time.Second)
	postObs(t, in, obsLine("ae0001", 31.85, -106.38, now))
	c := dialWS(t, in, "")
	sendWS(t, c, `{"op":"subscribe","bbox":[-130,20,-60,50],"format":"delta"}`)
	snap := readMsg(t, c)
	if snap.Type != "snapshot" || len(featureCollection(t, snap.Data).Features) != 1 {
		t.Fatalf("first message %+v, want a GeoJSON snapshot of one aircraft", snap)
	}
	type item map[string]any
	// next returns the item of the next update that holds hex at lon (the
	// batch pending at the snapshot may bring the snapshot's state again)
	next := func(hex string, lon float64) item {
		t.Helper()
		for range 100 {
			m := readUntil(t, c, "delta update", func(m wsMsg) bool { return m.Type == "update" })
			if m.Format != "delta" || m.Layer != "aircraft" {
				t.Fatalf("update %+v, want the delta format", m)
			}
			var items []item
			if err := json.Unmarshal(m.Data, &items); err != nil {
				t.Fatalf("delta data %s: %v", m.Data, err)
			}
			for _, it := range items {
				if c, _ := it["c"].([]any); it["id"] == hex && len(c) == 2 && c[0] == lon {
					return it
				}
			}
		}
		t.Fatalf("no update holds %s at lon %g", hex, lon)
		return nil
	}
	for i, tc := range []struct {
		lon    float64
		full   bool
		fields []string
	}{
		{-106.0, false, nil},
		{-105.5, false, []string{"c", "id", "seen"}},
		{-105.0, false, []string{"c", "id", "seen"}},
	} {
		postObs(t, in, obsLine("ae0001", 31.85, tc.lon, now.Add(time.Duration(i+1)*time.Second)))
		it := next("ae0001", tc.lon)
		if _, full := it["f"]; i > 0 && full != tc.full {
			t.Errorf("change %d: item %v full %v, want %v", i, it, full, tc.full)
		}
		if _, full := it["f"]; !full && i > 0 && fmt.Sprint(keys(it)) != fmt.Sprint(tc.fields) {
			t.Errorf("change %d: item %v has fields %v, want %v", i, it, keys(it), tc.fields)
		}
	}
	// an aircraft new to the client comes in full
	postObs(t, in, obsLine("ae0002", 40, -100, now))
	if it := next("ae0002", -100); it["f"] == nil || it["alt_ft"] != 12000.0 {
		t.Errorf("new aircraft item %v, want a full item", it)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slicesSort(out)
	return out
}
