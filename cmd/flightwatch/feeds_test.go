package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/feeds"
	"github.com/flightwatch/flightwatch/store"
	fwredis "github.com/flightwatch/flightwatch/store/redis"
)

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %s %s", url, resp.Status, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

type featureCollection struct {
	Features []struct {
		ID         any            `json:"id"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

// TestFeedsReachAPI configures a readsb poller and an SBS receiver the way
// a user would and expects their aircraft in GET /api/v1/aircraft and their
// state in GET /api/v1/feeds.
func TestFeedsReachAPI(t *testing.T) {
	rx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := float64(time.Now().UnixMilli()) / 1000
		fmt.Fprintf(w, `{"now":%.3f,"messages":10,"aircraft":[
			{"hex":"a1b2c3","flight":"RCH538  ","lat":29.61,"lon":-95.16,"alt_baro":"ground","gs":12,"track":90,"seen_pos":0.5,"seen":0.1,"dbFlags":1},
			{"hex":"a1b2c4","flight":"DAL2927 ","lat":39.5,"lon":-104.7,"alt_baro":24000,"gs":420,"track":240,"seen_pos":1.2,"seen":0.4},
			{"hex":"a1b2c5","flight":"NOPOS   ","alt_baro":33000,"seen":0.2}]}`, now)
	}))
	defer rx.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func(c net.Conn) {
				defer c.Close()
				for i := 0; i < 50; i++ {
					ts := time.Now().UTC().Format("2006/01/02,15:04:05.000")
					fmt.Fprintf(c, "MSG,1,1,1,ABCDEF,1,%s,%s,RCH539,,,,,,,,,,,\r\n", ts, ts)
					fmt.Fprintf(c, "MSG,3,1,1,ABCDEF,1,%s,%s,,21000,,,%.4f,-117.0,,,0,0,0,0\r\n", ts, ts, 32.9+float64(i)*0.001)
					time.Sleep(100 * time.Millisecond)
				}
			}(c)
		}
	}()

	cfg := configs.Default()
	cfg.Feeds = []feeds.Config{
		{Name: "tar1090", Kind: "readsb", URL: rx.URL + "/data/aircraft.json", Interval: feeds.Duration(200 * time.Millisecond)},
		{Name: "receiver", Kind: "sbs", Address: ln.Addr().String()},
	}
	if err := cfg.Validate(testIndexes(t).countries); err != nil {
		t.Fatal(err)
	}
	base := startApp(t, cfg)

	want := map[string]string{"a1b2c3": "RCH538", "a1b2c4": "DAL2927", "abcdef": "RCH539"}
	deadline := time.Now().Add(10 * time.Second)
	var got map[string]string
	for time.Now().Before(deadline) {
		var fc featureCollection
		getJSON(t, base+"/api/v1/aircraft", &fc)
		got = map[string]string{}
		for _, f := range fc.Features {
			cs, _ := f.Properties["callsign"].(string)
			got[fmt.Sprint(f.ID)] = cs
		}
		if len(got) == len(want) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	for hex, cs := range want {
		if got[hex] != cs {
			t.Errorf("aircraft %s callsign %q, want %q (got %v)", hex, got[hex], cs, got)
		}
	}
	if _, ok := got["a1b2c5"]; ok {
		t.Error("an aircraft without a position was stored")
	}
	var status []map[string]any
	getJSON(t, base+"/api/v1/feeds", &status)
	if len(status) != 2 {
		t.Fatalf("feeds = %v, want 2", status)
	}
	for _, s := range status {
		if s["connected"] != true || s["observations"].(float64) < 1 {
			t.Errorf("feed status %v: want connected with observations", s)
		}
	}
}

// TestReportsSameOnBothStores posts the demo's January 2025 arrest figures
// twice to an embedded-store instance and to a Redis instance: the hexagons
// are identical, and nothing is counted twice.
func TestReportsSameOnBothStores(t *testing.T) {
	body, err := fs.ReadFile(configs.Demo(), "reports.csv")
	if err != nil {
		t.Fatal(err)
	}
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
	cells := map[string][]string{}
	for _, backend := range []string{"memory", "redis"} {
		cfg := configs.Default()
		cfg.HTTP.Tokens = []configs.Token{{Token: token, Scopes: []string{"ingest"}}}
		cfg.Privacy.MinCellCount = 1
		if backend == "redis" {
			cfg.Redis.URL = url
			cfg.Redis.Prefix = fmt.Sprintf("fwtest-rep-%d", rand.Uint64())
			prefix := cfg.Redis.Prefix
			t.Cleanup(func() { fwredis.NewWithClient(c, prefix, store.Config{}).Drop(context.Background()) })
		}
		base := startApp(t, cfg)
		for i, wantAdded := range []float64{9, 0} {
			resp := post(t, base+"/api/v1/reports", "text/csv", body)
			var ans map[string]any
			json.NewDecoder(resp.Body).Decode(&ans)
			resp.Body.Close()
			if resp.StatusCode != http.StatusAccepted || ans["accepted"] != 9.0 || ans["added"] != wantAdded {
				t.Fatalf("%s POST #%d: %s %v, want 9 accepted, %v added", backend, i+1, resp.Status, ans, wantAdded)
			}
		}
		for _, res := range []int{3, 5, 7} {
			var fc featureCollection
			getJSON(t, fmt.Sprintf("%s/api/v1/cells?layer=reports&res=%d", base, res), &fc)
			sum := 0.0
			var rows []string
			for _, f := range fc.Features {
				sum += f.Properties["count"].(float64)
				rows = append(rows, fmt.Sprintf("%v=%v", f.ID, f.Properties["count"]))
			}
			sort.Strings(rows)
			if sum != 11 {
				t.Errorf("%s res %d: cells sum to %v, want 11 (Newark 3, eight places 1)", backend, res, sum)
			}
			cells[fmt.Sprint(res)] = append(cells[fmt.Sprint(res)], fmt.Sprint(rows))
		}
	}
	for res, pair := range cells {
		if len(pair) != 2 || pair[0] != pair[1] {
			t.Errorf("res %s: memory and Redis differ:\n%v", res, pair)
		}
	}
}
