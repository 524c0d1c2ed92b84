package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/notify"
	"github.com/flightwatch/flightwatch/store"
	fwredis "github.com/flightwatch/flightwatch/store/redis"
)

const token = "test-ingest-token"

// webhookSink records the alerts POSTed to it, checking each signature.
type webhookSink struct {
	mu     sync.Mutex
	types  []string
	badSig int
}

func (h *webhookSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.Header.Get(notify.HeaderSignature) != notify.Sign("hook-secret", body) {
		h.badSig++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var f struct {
		Properties struct {
			Type string `json:"type"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(body, &f); err == nil {
		h.types = append(h.types, f.Properties.Type)
	}
}

func (h *webhookSink) got() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.types...)
}

// startApp runs a whole flightwatch process (store, tracker, pipeline,
// server, webhooks) on a loopback port and returns its base URL.
func startApp(t *testing.T, cfg configs.Config) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out io.Writer = io.Discard
	if os.Getenv("FLIGHTWATCH_TEST_LOG") != "" {
		out = os.Stderr // the app's log, for debugging a failing test
	}
	log := slog.New(slog.NewTextHandler(out, nil))
	a, err := newApp(ctx, cfg, ".", testIndexes(t), log)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
		a.close()
	})
	return "http://" + ln.Addr().String()
}

// demoTrack returns the demo's simulated track of hex, at real speed,
// shifted so that it starts at start.
func demoTrack(t *testing.T, hex string, start time.Time) []flight.Observation {
	t.Helper()
	f, err := configs.Demo().Open("flights.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []flight.Observation
	var t0 time.Time
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var o flight.Observation
		if err := o.UnmarshalJSON(sc.Bytes()); err != nil {
			t.Fatal(err)
		}
		if o.Hex != hex {
			continue
		}
		if t0.IsZero() {
			t0 = o.Time
		}
		o.Time = start.Add(o.Time.Sub(t0))
		out = append(out, o)
	}
	return out
}

func post(t *testing.T, url, ctype string, body []byte) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// testFlightEndToEnd replays a whole planned flight KBIF→MGGT through the
// HTTP ingest and expects departed and landed (only) on the websocket and
// at a webhook receiver, and the flight leg in /api/v1/flights.
func testFlightEndToEnd(t *testing.T, cfg configs.Config) {
	hook := &webhookSink{}
	hs := httptest.NewServer(hook)
	defer hs.Close()
	cfg.HTTP.Tokens = []configs.Token{{Token: token, Scopes: []string{"ingest"}}}
	cfg.Webhooks = []configs.Webhook{{URL: hs.URL, Secret: "hook-secret"}}
	base := startApp(t, cfg)

	start := time.Now().UTC().Add(-5 * time.Hour).Truncate(time.Second)
	plan := fmt.Sprintf(`{"id":"e2e-gt","origin":"KBIF","destination":"MGGT","hex":"ae5a01","departure":%q}`,
		start.Add(4*time.Minute).Format(time.RFC3339))
	if resp := post(t, base+"/api/v1/plans", "application/json", []byte(plan)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST plan: %s", resp.Status)
	}

	ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/api/v1/stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.WriteMessage(websocket.TextMessage, []byte(`{"op":"subscribe","bbox":[-180,-90,180,90],"layers":["aircraft","alerts"]}`)); err != nil {
		t.Fatal(err)
	}
	alerts := make(chan string, 16)
	go func() {
		for {
			_, msg, err := ws.ReadMessage()
			if err != nil {
				close(alerts)
				return
			}
			var m struct {
				Type string `json:"type"`
				Data struct {
					Properties struct {
						Type string `json:"type"`
						Plan string `json:"plan"`
					} `json:"properties"`
				} `json:"data"`
			}
			if json.Unmarshal(msg, &m) == nil && m.Type == "alert" {
				alerts <- m.Data.Properties.Plan + "/" + m.Data.Properties.Type
			}
		}
	}()
	// Let the subscription take before the flight arrives.
	time.Sleep(300 * time.Millisecond)

	obs := demoTrack(t, "ae5a01", start)
	for i := 0; i < len(obs); i += 250 {
		var body bytes.Buffer
		for _, o := range obs[i:min(i+250, len(obs))] {
			body.Write(o.AppendJSON(nil))
			body.WriteByte('\n')
		}
		resp := post(t, base+"/api/v1/positions", "application/x-ndjson", body.Bytes())
		if resp.StatusCode != http.StatusAccepted {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("POST positions: %s %s", resp.Status, b)
		}
		resp.Body.Close()
	}

	want := map[string]bool{"e2e-gt/departed": false, "e2e-gt/landed": false}
	timeout := time.After(15 * time.Second)
	for seen := 0; seen < len(want); {
		select {
		case a, ok := <-alerts:
			if !ok {
				t.Fatal("websocket closed")
			}
			done, known := want[a]
			if !known {
				t.Errorf("unexpected alert %s", a)
				continue
			}
			if !done {
				want[a] = true
				seen++
			}
		case <-timeout:
			t.Fatalf("websocket alerts after 15 s: %v", want)
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(hook.got()) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := hook.got(); strings.Join(got, ",") != "departed,landed" || hook.badSig != 0 {
		t.Errorf("webhook got %v (%d bad signatures), want departed,landed", got, hook.badSig)
	}

	resp, err := http.Get(base + "/api/v1/flights?hex=ae5a01")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var fc struct {
		Features []struct {
			Geometry struct {
				Type        string      `json:"type"`
				Coordinates [][]float64 `json:"coordinates"`
			} `json:"geometry"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 1 {
		t.Fatalf("flights = %d features, want 1", len(fc.Features))
	}
	p := fc.Features[0].Properties
	if p["status"] != "landed" || p["origin"] != "KBIF" || p["actual_destination"] != "MGGT" || p["plan"] != "e2e-gt" {
		t.Errorf("flight properties = %v", p)
	}
	if fc.Features[0].Geometry.Type != "LineString" || len(fc.Features[0].Geometry.Coordinates) < 100 {
		t.Errorf("flown line: %s with %d points", fc.Features[0].Geometry.Type, len(fc.Features[0].Geometry.Coordinates))
	}
}

func TestFlightEndToEndMemory(t *testing.T) {
	testFlightEndToEnd(t, configs.Default())
}

func TestFlightEndToEndRedis(t *testing.T) {
	url := os.Getenv("FLIGHTWATCH_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/15"
	}
	cfg := configs.Default()
	cfg.Redis.URL = url
	cfg.Redis.Prefix = fmt.Sprintf("fwtest-app-%d", rand.Uint64())
	opt, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(opt)
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Redis at %s does not answer (make test needs it): %v", url, err)
	}
	t.Cleanup(func() { fwredis.NewWithClient(c, cfg.Redis.Prefix, store.Config{}).Drop(context.Background()) })
	testFlightEndToEnd(t, cfg)
}
