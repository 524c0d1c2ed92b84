package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/server/export"
	"github.com/flightwatch/flightwatch/stats"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	"github.com/flightwatch/flightwatch/store/storetest"
)

// historyFixture stores three watched legs with lines longer than the
// aircraft's track keeps, an unwatched one, and two alerts.
func historyFixture(t *testing.T) (*instance, time.Time) {
	t.Helper()
	st := memory.New(store.Config{TrackLen: 20, Keyer: storetest.Keyer()})
	in := startServer(t, Config{}, st, nil)
	ctx := context.Background()
	t0 := time.Date(2025, 1, 22, 14, 0, 0, 0, time.UTC) // Wednesday of 2025-W04
	legs := []flight.Leg{
		{ID: "ae5a01-1", Hex: "ae5a01", Callsign: "RCH821", Status: flight.LegLanded, Origin: "KBIF", ActualDestination: "MGGT",
			Departed: t0, Arrived: t0.Add(6 * time.Hour), FirstSeen: t0, LastSeen: t0.Add(6 * time.Hour), Watch: "w", Class: flight.ClassRemoval},
		{ID: "ae5a02-1", Hex: "ae5a02", Callsign: "RCH822", Status: flight.LegLanded, Origin: "KBIF", ActualDestination: "MGGT",
			Departed: t0.Add(time.Hour), Arrived: t0.Add(7 * time.Hour), FirstSeen: t0, LastSeen: t0.Add(7 * time.Hour), Watch: "w", Class: flight.ClassRemoval},
		{ID: "ae5a03-1", Hex: "ae5a03", Callsign: "RCH538", Status: flight.LegAirborne, Origin: "KDMA", PlannedDestination: "KELP",
			Departed: t0.AddDate(0, 0, -7), FirstSeen: t0.AddDate(0, 0, -7), LastSeen: t0.AddDate(0, 0, -7).Add(time.Hour), Watch: "w", Class: flight.ClassDomestic},
		{ID: "a00001-1", Hex: "a00001", Callsign: "AAL1", Status: flight.LegLanded, Origin: "KJFK", ActualDestination: "MGGT",
			Departed: t0, FirstSeen: t0, LastSeen: t0.Add(time.Hour)},
	}
	for _, l := range legs {
		if err := st.PutLeg(ctx, l); err != nil {
			t.Fatal(err)
		}
		start := l.Departed
		var pts []flight.TrackPoint
		for i := range 60 { // a point every 6 minutes over 6 hours: more than TrackLen
			pts = append(pts, flight.TrackPoint{Hex: l.Hex, Time: start.Add(time.Duration(i) * 6 * time.Minute),
				Lat: 32 - float64(i)*0.25, Lon: -106 + float64(i)*0.2, AltFt: 30000, Has: flight.HasAlt})
		}
		if err := st.AppendTrack(ctx, pts); err != nil {
			t.Fatal(err)
		}
		lp := store.LegPoints{Leg: l.ID, Points: pts, Seen: []store.SourceSeen{
			{Source: "adsbx", First: start, Last: start.Add(6 * time.Hour), Positions: 400},
			{Source: "sbs-elp", First: start.Add(5 * time.Hour), Last: start.Add(6 * time.Hour), Positions: 60}}}
		if err := st.AppendLegLine(ctx, []store.LegPoints{lp}); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []flight.Alert{
		{Key: "k1", Type: flight.AlertDeparted, Time: t0, Hex: "ae5a01", Callsign: "RCH821", Message: "RCH821 departed KBIF", Lat: 31.8, Lon: -106.4},
		{Key: "k2", Type: flight.AlertLanded, Time: t0.Add(6 * time.Hour), Hex: "ae5a01", Callsign: "RCH821", Message: "RCH821 landed at MGGT", Lat: 14.58, Lon: -90.53},
	} {
		if _, err := st.AddAlert(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	return in, t0
}

func TestFlightsCarryTheirOwnLine(t *testing.T) {
	in, _ := historyFixture(t)
	code, _, body := do(t, "GET", in.url+"/api/v1/flights?hex=ae5a01", "", "", nil)
	if code != http.StatusOK {
		t.Fatalf("GET flights = %d %s", code, body)
	}
	var fc struct {
		Features []struct {
			Geometry struct {
				Type        string      `json:"type"`
				Coordinates [][]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties struct {
				Duration  int                `json:"duration"`
				Positions int                `json:"positions"`
				Sources   []store.SourceSeen `json:"sources"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(body, &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 1 {
		t.Fatalf("%d features, want 1", len(fc.Features))
	}
	f := fc.Features[0]
	if f.Geometry.Type != "LineString" || len(f.Geometry.Coordinates) != 60 || f.Geometry.Coordinates[0][0] != -106 {
		t.Errorf("geometry %s with %d points starting %v, want the leg's whole 60-point line from -106",
			f.Geometry.Type, len(f.Geometry.Coordinates), f.Geometry.Coordinates[:1])
	}
	if f.Properties.Duration != 6*3600 || f.Properties.Positions != 460 || len(f.Properties.Sources) != 2 ||
		f.Properties.Sources[1].Source != "sbs-elp" || f.Properties.Sources[1].Positions != 60 {
		t.Errorf("properties = %+v, want duration 21600, 460 positions from adsbx and sbs-elp", f.Properties)
	}
}

func TestStatsEndpoint(t *testing.T) {
	in, t0 := historyFixture(t)
	base := in.url + "/api/v1/stats?since=2025-01-13T00:00:00Z&until=2025-01-27T00:00:00Z"
	tests := []struct {
		name  string
		query string
		want  []string // period group count
	}{
		{"country per week", "&period=week&by=country", []string{"2025-W03 USA 1", "2025-W04 GTM 2", "2025-W04 USA 0"}},
		{"destination", "&by=destination", []string{"2025-W03 KELP 1", "2025-W04 MGGT 2", "2025-W04 KELP 0"}},
		{"origin", "&by=origin", []string{"2025-W03 KDMA 1", "2025-W04 KBIF 2", "2025-W04 KDMA 0"}},
		{"class", "&by=class", []string{"2025-W03 domestic 1", "2025-W04 removal 2", "2025-W04 domestic 0"}},
		{"operator per month", "&by=operator&period=month", []string{"2025-01 RCH 3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, body := do(t, "GET", base+tc.query, "", "", nil)
			if code != http.StatusOK {
				t.Fatalf("GET = %d %s", code, body)
			}
			var ans statsAnswer
			if err := json.Unmarshal(body, &ans); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range ans.Rows {
				got = append(got, r.Period+" "+r.Group+" "+strconv.Itoa(r.Count))
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("rows = %v, want %v", got, tc.want)
			}
		})
	}
	// W04 USA: 0 this week against a mean of 1/6 over the 6 weeks before.
	code, hdr, body := do(t, "GET", base+"&by=country", "", "", nil, "Accept", "text/csv")
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/csv") {
		t.Fatalf("GET csv = %d %s %s", code, hdr.Get("Content-Type"), body)
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"period", "start", "country", "count", "mean_prev_6", "change", "change_pct"},
		{"2025-W03", "2025-01-13", "USA", "1", "0.00", "1.00", ""},
		{"2025-W04", "2025-01-20", "GTM", "2", "0.00", "2.00", ""},
		{"2025-W04", "2025-01-20", "USA", "0", "0.17", "-0.17", "-100.0"}}
	if len(recs) != len(want) {
		t.Fatalf("csv = %v, want %v", recs, want)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("csv row %d = %v, want %v", i, recs[i], want[i])
		}
	}
	_ = t0
	for _, bad := range []string{"?period=day", "?by=colour", "?since=x", "?since=2025-02-01T00:00:00Z&until=2025-01-01T00:00:00Z", "?f=xml",
		"?period=week&since=1900-01-01T00:00:00Z"} {
		if code, _, body := do(t, "GET", in.url+"/api/v1/stats"+bad, "", "", nil); code != http.StatusBadRequest {
			t.Errorf("GET stats%s = %d %s, want 400", bad, code, body)
		}
	}
}

func TestStatsRowsMatchBruteForce(t *testing.T) {
	// Legs spread over 20 weeks; the endpoint's counts and means must
	// match a direct count of the legs.
	st := memory.New(store.Config{Keyer: storetest.Keyer()})
	in := startServer(t, Config{}, st, nil)
	ctx := context.Background()
	start := time.Date(2024, 9, 2, 0, 0, 0, 0, time.UTC) // a Monday
	dests := []string{"MGGT", "MHTG", "MSLP", "SKBO"}
	perWeek := map[int]map[string]int{}
	for i := range 300 {
		at := start.Add(time.Duration(i*i%(140*24)) * time.Hour)
		d := dests[(i*7)%len(dests)]
		l := flight.Leg{ID: "leg-" + strconv.Itoa(i), Hex: "ae0000", Status: flight.LegLanded, Departed: at, FirstSeen: at,
			LastSeen: at.Add(time.Hour), ActualDestination: d, Watch: "w"}
		if err := st.PutLeg(ctx, l); err != nil {
			t.Fatal(err)
		}
		w := int(at.Sub(start).Hours()) / (24 * 7)
		if perWeek[w] == nil {
			perWeek[w] = map[string]int{}
		}
		perWeek[w][d]++
	}
	code, _, body := do(t, "GET", in.url+"/api/v1/stats?by=airport&since=2024-10-14T00:00:00Z&until=2025-01-20T00:00:00Z", "", "", nil)
	if code != http.StatusOK {
		t.Fatalf("GET = %d %s", code, body)
	}
	var ans statsAnswer
	if err := json.Unmarshal(body, &ans); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, r := range ans.Rows {
		w := int(r.Start.Sub(start).Hours()) / (24 * 7)
		sum := 0
		for k := w - stats.Baseline; k < w; k++ {
			sum += perWeek[k][r.Group]
		}
		if r.Count != perWeek[w][r.Group] || r.Mean != float64(sum)/stats.Baseline {
			t.Errorf("%s %s: count %d mean %.3f, want %d %.3f", r.Period, r.Group, r.Count, r.Mean, perWeek[w][r.Group], float64(sum)/stats.Baseline)
		}
		checked++
	}
	if checked < 40 {
		t.Errorf("only %d rows, want a row per destination and week", checked)
	}
}

var gdalCount = regexp.MustCompile(`Feature Count: (\d+)`)

func TestExportsOpenInGDAL(t *testing.T) {
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		t.Skip("ogrinfo is not installed (apt-get install gdal-bin): skipping the GDAL export tests")
	}
	in, _ := historyFixture(t)
	dir := t.TempDir()
	tests := []struct {
		name, path, format, accept string
		layer                      string
		count                      int
		prop                       string // a line ogrinfo must print
	}{
		{"flights kml", "/api/v1/flights", "kml", "", "flights", 4, "callsign (String) = RCH821"},
		{"flights gpx", "/api/v1/flights", "gpx", "", "tracks", 4, "RCH538"},
		{"flights fgb", "/api/v1/flights", "fgb", "", "flights", 4, "actual_destination (String) = MGGT"},
		{"flights fgb by accept", "/api/v1/flights", "", export.TypeFGB, "flights", 4, "positions (Integer64) = 460"},
		{"alerts kml", "/api/v1/alerts", "kml", "", "alerts", 2, "message (String) = RCH821 landed at MGGT"},
		{"alerts gpx", "/api/v1/alerts", "gpx", "", "waypoints", 2, "RCH821 departed KBIF"},
		{"alerts fgb", "/api/v1/alerts", "fgb", "", "alerts", 2, "type (String) = landed"},
		{"track kml", "/api/v1/aircraft/ae5a01/track", "kml", export.TypeKML, "ae5a01-track", 1, "points (Integer) = 20"},
		{"track gpx", "/api/v1/aircraft/ae5a01/track", "", export.TypeGPX, "track_points", 20, "ele (Real) = 9144"},
		{"track fgb", "/api/v1/aircraft/ae5a01/track", "fgb", "", "ae5a01-track", 1, "points (Integer64) = 20"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := in.url + tc.path
			if tc.format != "" {
				u += "?f=" + tc.format
			}
			var hdr []string
			if tc.accept != "" {
				hdr = []string{"Accept", tc.accept}
			}
			code, h, body := do(t, "GET", u, "", "", nil, hdr...)
			if code != http.StatusOK {
				t.Fatalf("GET %s = %d %s", u, code, body)
			}
			ext := map[string]string{export.TypeKML: "kml", export.TypeGPX: "gpx", export.TypeFGB: "fgb"}[strings.TrimSpace(h.Get("Content-Type"))]
			if ext == "" {
				t.Fatalf("Content-Type %q", h.Get("Content-Type"))
			}
			file := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+"."+ext)
			if err := os.WriteFile(file, body, 0o644); err != nil {
				t.Fatal(err)
			}
			out, err := exec.Command("ogrinfo", "-ro", "-al", file, tc.layer).CombinedOutput()
			if err != nil {
				t.Fatalf("ogrinfo %s: %v\n%s", file, err, out)
			}
			m := gdalCount.FindSubmatch(out)
			if m == nil || string(m[1]) != strconv.Itoa(tc.count) {
				t.Errorf("ogrinfo %s layer %s: count %s, want %d\n%s", ext, tc.layer, m, tc.count, out)
			}
			if os.Getenv("FW_DUMP") != "" {
				t.Logf("%.1500s", out)
			}
			if !strings.Contains(string(out), tc.prop) {
				t.Errorf("ogrinfo %s does not show %q:\n%.3000s", ext, tc.prop, out)
			}
		})
	}
}

func TestReportPage(t *testing.T) {
	st := memory.New(store.Config{Keyer: storetest.Keyer()})
	bus := memory.NewBus()
	fsys := fstest.MapFS{"report.html": {Data: []byte("<html>flights report</html>")}, "index.html": {Data: []byte("<html>map</html>")}}
	srv, err := New(Config{Tokens: testTokens()}, Deps{Store: st, Bus: bus, Ingest: &testIngester{st: st, bus: bus}, Static: fsys})
	if err != nil {
		t.Fatal(err)
	}
	url := newHTTPTest(t, srv.Handler())
	code, hdr, body := do(t, "GET", url+"/report", "", "", nil)
	if code != http.StatusOK || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "flights report") {
		t.Errorf("GET /report = %d %s %.100s, want the report page", code, hdr.Get("Content-Type"), body)
	}
}
