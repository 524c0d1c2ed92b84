package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/flight"
)

const (
	faultWriters  = 4
	faultAircraft = 2000 // per writer
	faultBatch    = 250
	faultEvery    = 100 * time.Millisecond // per writer: 10k observations/s in all
)

// loadWriter sends faultBatch observations every faultEvery, each aircraft
// moving on by 5 s of observation time per fix, retrying every batch until
// it is acknowledged.
func loadWriter(ctx context.Context, c *faultClient, w int, base time.Time) {
	steps := make([]int, faultAircraft)
	next := 0
	tick := time.NewTicker(faultEvery)
	defer tick.Stop()
	for ctx.Err() == nil {
		batch := make([]flight.Observation, 0, faultBatch)
		for range faultBatch {
			i := next
			next = (next + 1) % faultAircraft
			k := steps[i]
			steps[i]++
			batch = append(batch, flight.Observation{
				Hex:  fmt.Sprintf("f%d%04x", w, i),
				Time: base.Add(time.Duration(k) * 5 * time.Second),
				Lat:  10 + float64(w)*5 + float64(i/50)*0.1, Lon: -120 + float64(i%50)*0.2 + float64(k)*0.002,
				AltFt: 30000, GSKt: 420, TrackDeg: 90, Has: flight.HasAlt | flight.HasGS | flight.HasTrack,
			})
		}
		if !c.send(ctx, batch) {
			return
		}
		select {
		case <-ctx.Done():
		case <-tick.C:
		}
	}
}

// TestFaultRedisStopAndHang runs an instance on a Redis of the test's own
// under 10k observations/s from 4 writers retrying like feeders, stops
// Redis (SIGTERM, then a restart on its append-only file) and hangs it
// (SIGSTOP, SIGCONT), while a planned flight takes off during the stop and
// lands during the hang. Every acknowledged fix must be in the API's
// tracks, and the flight's departed and landed alerts in the API, on a
// websocket and at a webhook receiver.
func TestFaultRedisStopAndHang(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test: stops and hangs Redis for a while")
	}
	outage := faultSeconds(t)
	r := startOwnRedis(t)
	hook := newHookReceiver()
	hs := httptest.NewServer(hook)
	defer hs.Close()
	cfg := configs.Default()
	cfg.Redis.URL, cfg.Redis.Prefix = r.url(), "fault"
	cfg.HTTP.Tokens = []configs.Token{{Token: token, Scopes: []string{"ingest"}}}
	cfg.Webhooks = []configs.Webhook{{Name: "test", URL: hs.URL, Secret: "hook-secret", MaxAge: time.Hour, Timeout: 5 * time.Second}}
	cfg.Store.Takeover = 3 * time.Second
	base := startApp(t, cfg)
	waitStatus(t, base+"/readyz", http.StatusOK, 10*time.Second)

	start := time.Now().UTC().Add(-5 * time.Hour).Truncate(time.Second)
	plan := fmt.Sprintf(`{"id":"fault-gt","origin":"KBIF","destination":"MGGT","hex":"ae5a01","departure":%q}`,
		start.Add(4*time.Minute).Format(time.RFC3339))
	if resp := post(t, base+"/api/v1/plans", "application/json", []byte(plan)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST plan: %s", resp.Status)
	}
	ws := watchAlerts(t, base)
	ground, climb, rest := splitFlight(demoTrack(t, "ae5a01", start))
	planned := newFaultClient(base)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if !planned.send(ctx, ground) {
		t.Fatal("ground part not acknowledged")
	}

	loadCtx, stopLoad := context.WithCancel(ctx)
	clients := make([]*faultClient, faultWriters)
	var wg sync.WaitGroup
	obsBase := time.Now().UTC().Add(-30 * time.Minute).Truncate(time.Second)
	for w := range clients {
		clients[w] = newFaultClient(base)
		wg.Add(1)
		go func() { defer wg.Done(); loadWriter(loadCtx, clients[w], w, obsBase) }()
	}
	var pw sync.WaitGroup
	time.Sleep(3 * time.Second)

	// Stop: the planned flight takes off meanwhile.
	stopAt := time.Now()
	r.stop()
	climbed := make(chan struct{})
	pw.Add(1)
	go func() { defer pw.Done(); defer close(climbed); planned.send(ctx, climb) }()
	time.Sleep(outage)
	restartAt := time.Now()
	r.start()
	recovered := waitAck(t, clients, restartAt, 30*time.Second)
	time.Sleep(3 * time.Second)

	// Hang: the planned flight lands meanwhile.
	hangAt := time.Now()
	r.signal(syscall.SIGSTOP)
	pw.Add(1)
	go func() { defer pw.Done(); <-climbed; planned.send(ctx, rest) }()
	time.Sleep(500 * time.Millisecond)
	readyAt := time.Now()
	if got := status(t, base+"/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz during the hang = %d, want 503", got)
	}
	readyTook := time.Since(readyAt)
	time.Sleep(outage - time.Since(hangAt))
	contAt := time.Now()
	r.signal(syscall.SIGCONT)
	hangRecovered := waitAck(t, clients, contAt, 30*time.Second)
	time.Sleep(2 * time.Second)
	stopLoad()
	wg.Wait()
	waitDone(t, &pw, 60*time.Second)

	// Every acknowledged fix is stored.
	acked, stored, lost := 0, 0, 0
	var mu sync.Mutex
	sem := make(chan struct{}, 8)
	var vw sync.WaitGroup
	for _, c := range append(clients, planned) {
		for hex, times := range c.acked {
			acked += len(times)
			vw.Add(1)
			sem <- struct{}{}
			go func() {
				defer vw.Done()
				defer func() { <-sem }()
				have := trackTimes(t, base, hex)
				mu.Lock()
				defer mu.Unlock()
				for _, tm := range times {
					if have[tm.UTC().Format(time.RFC3339)] {
						stored++
					} else {
						lost++
					}
				}
			}()
		}
	}
	vw.Wait()

	// Every expected alert is in the API, on the websocket and at the webhook.
	var alerts featureCollection
	getJSON(t, base+"/api/v1/alerts?limit=1000", &alerts)
	want := map[string]string{} // type -> id
	for _, f := range alerts.Features {
		if f.Properties["plan"] == "fault-gt" {
			want[fmt.Sprint(f.Properties["type"])] = fmt.Sprint(f.ID)
		}
	}
	delivered := 0
	deadline := time.Now().Add(30 * time.Second)
	for _, typ := range []string{"departed", "landed"} {
		id, ok := want[typ]
		if !ok {
			t.Errorf("no %s alert in the API (got %v)", typ, want)
			continue
		}
		for (hook.got(id) == 0 || !ws.has(id)) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if hook.got(id) == 0 {
			t.Errorf("%s alert %s never reached the webhook", typ, id)
		}
		if !ws.has(id) {
			t.Errorf("%s alert %s never reached the websocket", typ, id)
		}
		if hook.got(id) > 0 && ws.has(id) {
			delivered++
		}
	}
	var n503, errs int
	var maxLat time.Duration
	var first503 time.Time
	for _, c := range append(clients, planned) {
		n503 += c.n503
		errs += c.errs
		maxLat = max(maxLat, c.maxLat)
		if !c.first503.IsZero() && (first503.IsZero() || c.first503.Before(first503)) {
			first503 = c.first503
		}
		if c.lastErr != "" {
			t.Logf("client: last error %s", c.lastErr)
		}
	}
	t.Logf("outages %v each: acknowledged %d, stored %d, lost %d; alerts expected %d, delivered (webhook and websocket) %d",
		outage, acked, stored, lost, 2, delivered)
	t.Logf("/readyz answered 503 in %v during the hang", readyTook.Round(time.Millisecond))
	t.Logf("first 503 %v after the stop; recovered %v after the restart, %v after SIGCONT; slowest POST %v; 503 answers %d, other failures %d",
		first503.Sub(stopAt).Round(time.Millisecond), recovered.Round(time.Millisecond), hangRecovered.Round(time.Millisecond),
		maxLat.Round(time.Millisecond), n503, errs)
	if lost > 0 {
		t.Errorf("%d of %d acknowledged fixes are not stored", lost, acked)
	}
	// A POST during the hang must be answered (202 from the spool or 503),
	// not held until Redis comes back: well inside the outage, whatever
	// the machine's load.
	if maxLat >= outage/2 {
		t.Errorf("slowest POST answered after %v of a %v hang: held by the hang, want an answer well before it ends", maxLat, outage)
	}
}

// waitAck waits for a batch acknowledged after since and returns how long
// after since it came.
func waitAck(t *testing.T, clients []*faultClient, since time.Time, limit time.Duration) time.Duration {
	t.Helper()
	start := make([]int, len(clients))
	for i, c := range clients {
		c.mu.Lock()
		start[i] = c.ackObs
		c.mu.Unlock()
	}
	for time.Since(since) < limit {
		for i, c := range clients {
			c.mu.Lock()
			n := c.ackObs
			c.mu.Unlock()
			if n > start[i] {
				return time.Since(since)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no batch acknowledged within %v", limit)
	return 0
}

func waitDone(t *testing.T, wg *sync.WaitGroup, limit time.Duration) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(limit):
		t.Fatalf("planned flight not acknowledged within %v", limit)
	}
}

func waitStatus(t *testing.T, url string, want int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not answer %d within %v", url, want, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// trackTimes returns the fix times of hex's track in the API.
func trackTimes(t *testing.T, base, hex string) map[string]bool {
	resp, err := http.Get(base + "/api/v1/aircraft/" + hex + "/track")
	if err != nil {
		t.Error(err)
		return nil
	}
	defer resp.Body.Close()
	var f struct {
		Properties struct {
			Times []string `json:"times"`
		} `json:"properties"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&f); err != nil {
		t.Errorf("track %s: %v", hex, err)
	}
	m := make(map[string]bool, len(f.Properties.Times))
	for _, s := range f.Properties.Times {
		m[s] = true
	}
	return m
}
