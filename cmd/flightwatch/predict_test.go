package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	fwredis "github.com/flightwatch/flightwatch/store/redis"
	"github.com/paulmach/orb"
)

// runApp runs a flightwatch process until the returned stop is called.
func runApp(t *testing.T, cfg configs.Config, base string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := newApp(ctx, cfg, base, testIndexes(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, ln) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		a.close()
	}
	t.Cleanup(stop)
	return "http://" + ln.Addr().String(), stop
}

// straight returns fixes every 20 s from a to b at kt, altitude moving
// linearly from alt0 to alt1.
func straight(hex, call string, a, b orb.Point, kt, alt0, alt1 float64, start time.Time) []flight.Observation {
	stepKm := kt * geo.KmPerNM * (20.0 / 3600)
	n := int(math.Ceil(geo.DistanceKm(a, b) / stepKm))
	var out []flight.Observation
	p := a
	for i := 1; i <= n; i++ {
		brg := geo.BearingDeg(p, b)
		if i == n {
			p = b
		} else {
			p = geo.Destination(p, brg, stepKm)
		}
		out = append(out, flight.Observation{Hex: hex, Callsign: call, Time: start.Add(time.Duration(i) * 20 * time.Second),
			Lat: p[1], Lon: p[0], AltFt: alt0 + (alt1-alt0)*float64(i)/float64(n), GSKt: kt, TrackDeg: brg,
			Has: flight.HasAlt | flight.HasGS | flight.HasTrack})
	}
	return out
}

func postNDJSON(t *testing.T, base string, obs []flight.Observation) {
	t.Helper()
	var buf bytes.Buffer
	for _, o := range obs {
		b, _ := json.Marshal(o)
		buf.Write(b)
		buf.WriteByte('\n')
	}
	resp := post(t, base+"/api/v1/positions", "application/x-ndjson", buf.Bytes())
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("POST positions: %s", resp.Status)
	}
}

func pt(o flight.Observation) orb.Point { return orb.Point{o.Lon, o.Lat} }

type featureProps struct {
	Features []struct {
		ID         string         `json:"id"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

// TestPredictionSurvivesRestartRedis: a watched charter with three earlier
// flights KBIF -> MSLP stored departs KBIF with no plan; the flights API
// shows it predicted to MSLP from its history. The process stops in
// mid-flight and a new one starts on the same Redis: it carries on the
// same leg and prediction, and when the aircraft lands at MROC it raises
// diverted naming the prediction, with the leg classed a removal.
func TestPredictionSurvivesRestartRedis(t *testing.T) {
	url := os.Getenv("FLIGHTWATCH_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/15"
	}
	opt, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(opt)
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Redis at %s does not answer (make test needs it): %v", url, err)
	}
	cfg := configs.Default()
	cfg.Redis.URL = url
	cfg.Redis.Prefix = fmt.Sprintf("fwtest-predict-%d", rand.Uint64())
	t.Cleanup(func() { fwredis.NewWithClient(c, cfg.Redis.Prefix, store.Config{}).Drop(context.Background()) })
	cfg.HTTP.Tokens = []configs.Token{{Token: token, Scopes: []string{"ingest"}}}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "watchlist.yaml"),
		[]byte("entries:\n  - name: charter-tail\n    hex: [a7c001]\n    tags: [removal-charter]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.Watchlists = []string{"watchlist.yaml"}

	start := time.Now().UTC().Add(-6 * time.Hour).Truncate(time.Second)
	st := fwredis.NewWithClient(c, cfg.Redis.Prefix, store.Config{})
	for i := 3; i >= 1; i-- {
		dep := start.Add(-time.Duration(i) * 24 * time.Hour)
		if err := st.PutLeg(context.Background(), flight.Leg{ID: fmt.Sprintf("a7c001-%d", dep.Unix()), Hex: "a7c001",
			Status: flight.LegLanded, Origin: "KBIF", ActualDestination: "MSLP", Departed: dep, Arrived: dep.Add(3 * time.Hour),
			FirstSeen: dep, LastSeen: dep.Add(3 * time.Hour), Watch: "charter-tail"}); err != nil {
			t.Fatal(err)
		}
	}

	ap := func(id string) geo.Airport {
		a, ok := geo.Airports().Lookup(id)
		if !ok {
			t.Fatalf("airport %s", id)
		}
		return a
	}
	kbif, mslp, mroc := ap("KBIF"), ap("MSLP"), ap("MROC")
	brg := geo.BearingDeg(kbif.Point(), mslp.Point())
	var obs []flight.Observation
	for i := 0; i < 6; i++ {
		obs = append(obs, flight.Observation{Hex: "a7c001", Callsign: "GXA500", Time: start.Add(time.Duration(i) * 20 * time.Second),
			Lat: kbif.Lat, Lon: kbif.Lon, OnGround: true, Has: flight.HasGround | flight.HasGS})
	}
	at := obs[len(obs)-1].Time
	climb := straight("a7c001", "GXA500", kbif.Point(), geo.Destination(kbif.Point(), brg, 40), 250, kbif.ElevFt+500, 15000, at)
	at = climb[len(climb)-1].Time
	cruise := straight("a7c001", "GXA500", pt(climb[len(climb)-1]), geo.Destination(mslp.Point(), brg+180, 900), 450, 15000, 35000, at)
	obs = append(append(obs, climb...), cruise...)

	base, stop := runApp(t, cfg, dir)
	postNDJSON(t, base, obs)
	var fl featureProps
	getJSON(t, base+"/api/v1/flights?status=airborne&hex=a7c001", &fl)
	if len(fl.Features) != 1 {
		t.Fatalf("airborne flights = %d, want 1", len(fl.Features))
	}
	leg := fl.Features[0]
	if p := leg.Properties; p["predicted_destination"] != "MSLP" || p["predicted_basis"] != "history" || p["class"] != "removal" {
		t.Fatalf("airborne leg = %v, want predicted MSLP from history, class removal", p)
	}
	stop()

	base, _ = runApp(t, cfg, dir)
	at = obs[len(obs)-1].Time
	rest := straight("a7c001", "GXA500", pt(obs[len(obs)-1]), geo.Destination(mroc.Point(), 0, 15), 420, 35000, mroc.ElevFt+2500, at)
	at = rest[len(rest)-1].Time
	final := straight("a7c001", "GXA500", pt(rest[len(rest)-1]), mroc.Point(), 140, mroc.ElevFt+2500, mroc.ElevFt, at)
	for i := 1; i <= 4; i++ {
		final = append(final, flight.Observation{Hex: "a7c001", Callsign: "GXA500", Time: final[len(final)-1].Time.Add(20 * time.Second),
			Lat: mroc.Lat, Lon: mroc.Lon, OnGround: true, Has: flight.HasGround})
	}
	postNDJSON(t, base, append(rest, final...))

	var al featureProps
	getJSON(t, base+"/api/v1/alerts?type=diverted", &al)
	if len(al.Features) != 1 {
		t.Fatalf("diverted alerts = %d, want 1", len(al.Features))
	}
	msg, _ := al.Features[0].Properties["message"].(string)
	if !strings.Contains(msg, "predicted MSLP") || !strings.Contains(msg, "landed at MROC") || al.Features[0].Properties["flight"] != leg.ID {
		t.Errorf("diverted = %v, want the leg %s predicted MSLP, landed at MROC", al.Features[0].Properties, leg.ID)
	}
	getJSON(t, base+"/api/v1/flights?hex=a7c001&status=landed", &fl)
	found := false
	for _, f := range fl.Features {
		if f.ID == leg.ID {
			found = true
			if f.Properties["actual_destination"] != "MROC" || f.Properties["class"] != "removal" {
				t.Errorf("landed leg = %v, want MROC, removal", f.Properties)
			}
		}
	}
	if !found {
		t.Errorf("leg %s not landed after the restart: %v", leg.ID, fl.Features)
	}
}
