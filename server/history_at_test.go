package server

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
)

// historyAtAnswer is the part of a /api/v1/history answer the tests read.
type historyAtAnswer struct {
	Type     string `json:"type"`
	Features []struct {
		ID       string `json:"id"`
		Geometry struct {
			Type        string     `json:"type"`
			Coordinates [2]float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

// seedHistoryAt stores two legs of ae1001 (the second 2 h after the first)
// and one of ae1002, each a line of a point a minute heading south-east.
func seedHistoryAt(t *testing.T, st store.Store) time.Time {
	t.Helper()
	ctx := context.Background()
	t0 := time.Date(2025, 1, 26, 15, 0, 0, 0, time.UTC)
	type legLine struct {
		leg   flight.Leg
		start time.Time
		lon   float64
	}
	var all []legLine
	for _, x := range []struct {
		hex   string
		start time.Time
		lon   float64
	}{{"ae1001", t0, -117}, {"ae1001", t0.Add(2 * time.Hour), -100}, {"ae1002", t0.Add(10 * time.Minute), 10}} {
		end := x.start.Add(59 * time.Minute)
		l := flight.Leg{ID: x.hex + "-" + x.start.Format("150405"), Hex: x.hex, Callsign: "RCH" + x.hex[2:], Type: "C17",
			Status: flight.LegLanded, Origin: "KNKX", ActualDestination: "KEFD", Departed: x.start.Add(5 * time.Minute), Arrived: end.Add(-5 * time.Minute),
			FirstSeen: x.start, LastSeen: end, Watch: "w", Tags: []string{"military"}}
		all = append(all, legLine{l, x.start, x.lon})
	}
	for _, x := range all {
		if err := st.PutLeg(ctx, x.leg); err != nil {
			t.Fatal(err)
		}
		var pts []flight.TrackPoint
		for i := range 60 {
			pts = append(pts, flight.TrackPoint{Hex: x.leg.Hex, Time: x.start.Add(time.Duration(i) * time.Minute),
				Lat: 33 - float64(i)*0.1, Lon: x.lon + float64(i)*0.1, AltFt: float64(i) * 500, Has: flight.HasAlt})
		}
		if err := st.AppendTrack(ctx, pts); err != nil {
			t.Fatal(err)
		}
		h, ok := st.(store.History)
		if !ok {
			t.Fatalf("%T keeps no history", st)
		}
		if err := h.AppendLegLine(ctx, []store.LegPoints{{Leg: x.leg.ID, Points: pts}}); err != nil {
			t.Fatal(err)
		}
	}
	return t0
}

func getHistoryAt(t *testing.T, base string, q url.Values) (int, historyAtAnswer, string) {
	t.Helper()
	res, err := http.Get(base + "/api/v1/history?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var ans historyAtAnswer
	if res.StatusCode == http.StatusOK {
		if err := json.Unmarshal(body, &ans); err != nil {
			t.Fatalf("decode %s: %v", body, err)
		}
	}
	return res.StatusCode, ans, string(body)
}

func testHistoryAt(t *testing.T, st store.Store) {
	in := startServer(t, Config{}, st, nil)
	t0 := seedHistoryAt(t, st)

	// 20.5 minutes into ae1001's first leg and 10.5 into ae1002's.
	at := t0.Add(20*time.Minute + 30*time.Second)
	code, ans, body := getHistoryAt(t, in.url, url.Values{"at": {at.Format(time.RFC3339)}})
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	if ans.Type != "FeatureCollection" || len(ans.Features) != 2 {
		t.Fatalf("answer %s: want 2 features", body)
	}
	f := ans.Features[0]
	if f.ID != "ae1001" || f.Geometry.Type != "Point" {
		t.Fatalf("first feature %+v: want ae1001 Point", f)
	}
	want := [2]float64{-117 + 2.05, 33 - 2.05}
	if math.Abs(f.Geometry.Coordinates[0]-want[0]) > 1e-9 || math.Abs(f.Geometry.Coordinates[1]-want[1]) > 1e-9 {
		t.Errorf("ae1001 at %v = %v, want %v", at, f.Geometry.Coordinates, want)
	}
	if alt := f.Properties["alt_ft"]; alt != float64(10250) {
		t.Errorf("alt_ft = %v, want 10250", alt)
	}
	if tr, ok := f.Properties["track"].(float64); !ok || tr < 130 || tr > 145 {
		t.Errorf("track = %v, want south-east (~140)", f.Properties["track"])
	}
	if gs, ok := f.Properties["gs_kt"].(float64); !ok || gs < 400 || gs > 500 {
		t.Errorf("gs_kt = %v, want ~450 (7.6 nm a minute)", f.Properties["gs_kt"])
	}
	if f.Properties["on_ground"] != false || f.Properties["seen"] != at.Format(time.RFC3339) || f.Properties["callsign"] != "RCH1001" {
		t.Errorf("properties %v: want airborne, seen at, callsign RCH1001", f.Properties)
	}
	if ans.Features[1].ID != "ae1002" {
		t.Errorf("second feature %s, want ae1002", ans.Features[1].ID)
	}

	// The second leg of ae1001, and only it, at 2 h 30 min.
	code, ans, body = getHistoryAt(t, in.url, url.Values{"at": {t0.Add(150 * time.Minute).Format(time.RFC3339)}})
	if code != http.StatusOK || len(ans.Features) != 1 || ans.Features[0].ID != "ae1001" {
		t.Fatalf("at +150m: %d %s; want ae1001 alone", code, body)
	}
	if c := ans.Features[0].Geometry.Coordinates; math.Abs(c[0]-(-97)) > 1e-9 {
		t.Errorf("ae1001 second leg at +30m lon %v, want -97", c[0])
	}

	// bbox and hex narrow the answer; between legs there is nothing.
	_, ans, body = getHistoryAt(t, in.url, url.Values{"at": {at.Format(time.RFC3339)}, "bbox": {"0,0,20,40"}})
	if len(ans.Features) != 1 || ans.Features[0].ID != "ae1002" {
		t.Errorf("bbox answer %s: want ae1002 alone", body)
	}
	_, ans, body = getHistoryAt(t, in.url, url.Values{"at": {at.Format(time.RFC3339)}, "hex": {"AE1001"}})
	if len(ans.Features) != 1 || ans.Features[0].ID != "ae1001" {
		t.Errorf("hex answer %s: want ae1001 alone", body)
	}
	_, ans, body = getHistoryAt(t, in.url, url.Values{"at": {t0.Add(100 * time.Minute).Format(time.RFC3339)}})
	if len(ans.Features) != 0 {
		t.Errorf("between legs: %s, want no aircraft", body)
	}

	for _, q := range []url.Values{{}, {"at": {"yesterday"}}, {"at": {at.Format(time.RFC3339)}, "bbox": {"1,2,3"}},
		{"at": {at.Format(time.RFC3339)}, "hex": {"zz"}}} {
		if code, _, body := getHistoryAt(t, in.url, q); code != http.StatusBadRequest {
			t.Errorf("%v: status %d %s, want 400", q, code, body)
		}
	}
}

func TestHistoryAtMemory(t *testing.T) { testHistoryAt(t, memory.New(store.Config{})) }

func TestHistoryAtRedis(t *testing.T) {
	st, _ := redisStore(t)
	testHistoryAt(t, st)
}

func TestInterpolate(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	line := []flight.TrackPoint{
		{Time: t0, Lat: 0, Lon: 179.5, AltFt: 1000, Has: flight.HasAlt},
		{Time: t0.Add(time.Minute), Lat: 1, Lon: -179.5},
	}
	p, ok := interpolate(line, t0.Add(30*time.Second))
	if !ok || math.Abs(math.Abs(p.p[0])-180) > 1e-9 || math.Abs(p.p[1]-0.5) > 1e-9 || p.hasAlt {
		t.Errorf("across the antimeridian: %+v %v, want lon ±180, lat 0.5, no altitude", p, ok)
	}
	if p, ok := interpolate(line, t0); !ok || p.p != (orb.Point{179.5, 0}) || !p.hasAlt || p.alt != 1000 {
		t.Errorf("at the first point: %+v %v", p, ok)
	}
	for _, at := range []time.Time{t0.Add(-time.Second), t0.Add(61 * time.Second)} {
		if _, ok := interpolate(line, at); ok {
			t.Errorf("at %v outside the line: ok", at)
		}
	}
	if _, ok := interpolate(nil, t0); ok {
		t.Error("empty line: ok")
	}
}

func FuzzHistoryQuery(f *testing.F) {
	in := startServer(f, Config{}, nil, nil)
	f.Add("2025-01-26T15:20:30Z", "-120,20,-90,40", "ae1001")
	f.Add("", "", "")
	f.Add("2025-13-01T00:00:00Z", "a,b,c,d", "??")
	f.Fuzz(func(t *testing.T, at, bbox, hex string) {
		q := url.Values{"at": {at}, "bbox": {bbox}, "hex": {hex}}
		res, err := http.Get(in.url + "/api/v1/history?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusBadRequest {
			t.Fatalf("%v: status %d, want 200 or 400", q, res.StatusCode)
		}
	})
}
