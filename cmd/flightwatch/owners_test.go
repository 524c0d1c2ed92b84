package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	fwredis "github.com/flightwatch/flightwatch/store/redis"
	"github.com/flightwatch/flightwatch/store/redis/partition"
	"github.com/flightwatch/flightwatch/store/redis/redisurl"
)

// clusterState is /api/v1/cluster.
type clusterState struct {
	Instance   string `json:"instance"`
	Partitions int    `json:"partitions"`
	Live       int    `json:"live"`
	Owned      []int  `json:"owned"`
}

// waitShared waits until the instances at bases own every partition
// exactly once between them, each some, and returns the base owning p.
func waitShared(t *testing.T, bases []string, p int) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		owner, seen, ok := "", map[int]int{}, true
		for _, b := range bases {
			var cs clusterState
			getJSON(t, b+"/api/v1/cluster", &cs)
			if len(cs.Owned) == 0 || cs.Live != len(bases) {
				ok = false
			}
			for _, q := range cs.Owned {
				seen[q]++
				if q == p {
					owner = b
				}
			}
		}
		if ok && len(seen) == partition.Count && owner != "" {
			dup := false
			for _, n := range seen {
				dup = dup || n != 1
			}
			if !dup {
				return owner
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("partitions not shared among %d instances within 30 s: %v", len(bases), seen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// postBatch posts obs as NDJSON and fails unless every line is accepted.
func postBatch(t *testing.T, base string, obs []flight.Observation) {
	t.Helper()
	var body bytes.Buffer
	for _, o := range obs {
		body.Write(o.AppendJSON(nil))
		body.WriteByte('\n')
	}
	resp := post(t, base+"/api/v1/positions", "application/x-ndjson", body.Bytes())
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("POST positions to %s: %s %s", base, resp.Status, b)
	}
}

// alertTypes counts the stored alerts by type.
func alertTypes(t *testing.T, base string) map[string]int {
	var fc featureCollection
	getJSON(t, base+"/api/v1/alerts", &fc)
	out := map[string]int{}
	for _, f := range fc.Features {
		out[fmt.Sprint(f.Properties["type"])]++
	}
	return out
}

// waitAlerts waits until base stores at least the alerts of want.
func waitAlerts(t *testing.T, base string, want map[string]int) map[string]int {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := alertTypes(t, base)
		done := true
		for k, n := range want {
			done = done && got[k] >= n
		}
		if done {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("alerts after 30 s = %v, want at least %v", got, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestOwnersRoundRobin posts one planned flight in batches of 10 to three
// instances in turn: the aircraft's owner alone tracks it, so there is one
// leg, one departed and one landed (each stored and delivered once), and
// no instance that saw only part of the flight raises not_departed.
func TestOwnersRoundRobin(t *testing.T) {
	url := os.Getenv("FLIGHTWATCH_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/15"
	}
	testOwnersRoundRobin(t, url)
}

// TestOwnersRoundRobinCluster is TestOwnersRoundRobin on a 3-node Redis
// Cluster: FLIGHTWATCH_TEST_REDIS_CLUSTER_URL (a redis+cluster:// URL,
// as .ci/run starts one), skipped without it.
func TestOwnersRoundRobinCluster(t *testing.T) {
	url := os.Getenv("FLIGHTWATCH_TEST_REDIS_CLUSTER_URL")
	if url == "" {
		t.Skip("FLIGHTWATCH_TEST_REDIS_CLUSTER_URL not set: no Redis Cluster to run three instances on")
	}
	testOwnersRoundRobin(t, url)
}

func testOwnersRoundRobin(t *testing.T, url string) {
	opt, err := redisurl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	c := opt.Client()
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Redis at %s does not answer (the test needs it): %v", url, err)
	}
	prefix := fmt.Sprintf("fwtest-own-%d", rand.Uint64())
	t.Cleanup(func() { fwredis.NewWithClient(c, prefix, store.Config{}).Drop(context.Background()) })

	hook := &webhookSink{}
	hs := httptest.NewServer(hook)
	defer hs.Close()
	var bases []string
	for range 3 {
		cfg := configs.Default()
		cfg.Redis.URL, cfg.Redis.Prefix = url, prefix
		cfg.Cluster.Lease = 1500 * time.Millisecond
		cfg.HTTP.Tokens = []configs.Token{{Token: token, Scopes: []string{"ingest"}}}
		cfg.Webhooks = []configs.Webhook{{Name: "hook", URL: hs.URL, Secret: "hook-secret"}}
		bases = append(bases, startApp(t, cfg))
	}
	const hex = "ae5a01"
	waitShared(t, bases, partition.Of(hex))

	start := time.Now().UTC().Add(-5 * time.Hour).Truncate(time.Second)
	plan := fmt.Sprintf(`{"id":"own-gt","origin":"KBIF","destination":"MGGT","hex":%q,"departure":%q}`,
		hex, start.Add(4*time.Minute).Format(time.RFC3339))
	if resp := post(t, bases[0]+"/api/v1/plans", "application/json", []byte(plan)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST plan: %s", resp.Status)
	}
	time.Sleep(300 * time.Millisecond) // the other instances reload plans from the bus

	obs := demoTrack(t, hex, start)
	for i, n := 0, 0; i < len(obs); i, n = i+10, n+1 {
		postBatch(t, bases[n%len(bases)], obs[i:min(i+10, len(obs))])
	}
	got := waitAlerts(t, bases[0], map[string]int{"departed": 1, "landed": 1})
	// Two ticks of every instance (5 s each) after the flight: a
	// not_departed or signal_lost would be raised by now.
	time.Sleep(11 * time.Second)
	got = alertTypes(t, bases[0])
	if len(got) != 2 || got["departed"] != 1 || got["landed"] != 1 {
		t.Errorf("stored alerts = %v, want departed and landed once each", got)
	}
	var legs featureCollection
	getJSON(t, bases[1]+"/api/v1/flights?hex="+hex, &legs)
	if len(legs.Features) != 1 {
		ids := []string{}
		for _, f := range legs.Features {
			ids = append(ids, fmt.Sprint(f.Properties["id"]))
		}
		t.Errorf("flights of %s = %v, want one leg", hex, ids)
	} else if p := legs.Features[0].Properties; p["status"] != "landed" || p["plan"] != "own-gt" {
		t.Errorf("leg = %v, want landed on plan own-gt", p)
	}
	times := trackTimes(t, bases[2], hex)
	if len(times) != len(obs) {
		var missing []string
		for _, o := range obs {
			if ts := o.Time.UTC().Format(time.RFC3339Nano); !times[ts] {
				missing = append(missing, ts)
			}
		}
		t.Errorf("track holds %d fixes, want %d (every one posted); missing %v", len(times), len(obs), missing)
	}
	deadline := time.Now().Add(15 * time.Second)
	for len(hook.got()) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if h := hook.got(); strings.Join(h, ",") != "departed,landed" {
		t.Errorf("webhook got %v, want departed,landed once each", h)
	}
}

// TestOwnersKillOwner SIGKILLs the instance owning a flying aircraft in
// the middle of its flight while positions go on arriving at both; the
// other takes the partitions over, and after the killed one restarts,
// every acknowledged fix is stored, the flight is one leg, and no alert
// is stored or delivered twice.
func TestOwnersKillOwner(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test: runs instances in processes of their own")
	}
	r := startOwnRedis(t)
	testOwnersKillOwner(t, 2, r.url())
}

// TestOwnersKillOwnerCluster is TestOwnersKillOwner with three instances
// on a Redis Cluster: FLIGHTWATCH_TEST_REDIS_CLUSTER_URL (a
// redis+cluster:// URL, as .ci/run starts one), skipped without it.
func TestOwnersKillOwnerCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test: runs instances in processes of their own")
	}
	url := os.Getenv("FLIGHTWATCH_TEST_REDIS_CLUSTER_URL")
	if url == "" {
		t.Skip("FLIGHTWATCH_TEST_REDIS_CLUSTER_URL not set: no Redis Cluster to run three instances on")
	}
	testOwnersKillOwner(t, 3, url)
}

// testOwnersKillOwner runs n instances (child processes) on the Redis at
// url under a private prefix, dropped afterwards. One planned flight is
// posted round-robin over the live instances in batches of 10; after the
// departure is stored and delivered, the owner of the aircraft's
// partition is SIGKILLed, the next quarter of the flight goes to the
// survivors, the killed instance restarts, and the rest goes to all. Then
// every acknowledged fix is in the track, the flight is one leg, and
// departed and landed are each stored once and POSTed to the webhook
// once, with no other alert.
func testOwnersKillOwner(t *testing.T, n int, url string) {
	opt, err := redisurl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	rc := opt.Client()
	defer rc.Close()
	if err := rc.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Redis at %s does not answer (the test needs it): %v", url, err)
	}
	prefix := fmt.Sprintf("fwtest-kill-%d", rand.Uint64())
	// Registered before any instance starts, so it runs after they stop.
	t.Cleanup(func() {
		c := opt.Client()
		defer c.Close()
		if err := fwredis.NewWithClient(c, prefix, store.Config{}).Drop(context.Background()); err != nil {
			t.Errorf("drop %s: %v", prefix, err)
		}
	})

	hook := &webhookSink{}
	hs := httptest.NewServer(hook)
	t.Cleanup(hs.Close)
	cfg := fmt.Sprintf(`redis:
  prefix: %s
cluster:
  lease: 1500ms
webhooks:
  - name: hook
    url: %s
    secret: hook-secret
`, prefix, hs.URL)

	live := make([]*child, n)
	for i := range live {
		live[i] = startChild(t, string(rune('a'+i)), cfg, url)
	}
	bases := func() []string {
		var out []string
		for _, c := range live {
			out = append(out, c.base)
		}
		return out
	}
	const hex = "ae5a01"
	owner := waitShared(t, bases(), partition.Of(hex))
	vi := 0
	for i, c := range live {
		if c.base == owner {
			vi = i
		}
	}
	other := live[(vi+1)%n]

	start := time.Now().UTC().Add(-5 * time.Hour).Truncate(time.Second)
	plan := fmt.Sprintf(`{"id":"kill-own","origin":"KBIF","destination":"MGGT","hex":%q,"departure":%q}`,
		hex, start.Add(4*time.Minute).Format(time.RFC3339))
	if resp := post(t, other.base+"/api/v1/plans", "application/json", []byte(plan)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST plan: %s", resp.Status)
	}
	time.Sleep(300 * time.Millisecond) // the other instances reload plans from the bus
	obs := demoTrack(t, hex, start)
	ctx := context.Background()
	var clients []*faultClient
	send := func(from, to int, cs []*faultClient) {
		t.Helper()
		clients = append(clients, cs...)
		for i, k := from, 0; i < to; i, k = i+10, k+1 {
			sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			ok := cs[k%len(cs)].send(sctx, obs[i:min(i+10, to)])
			cancel()
			if !ok {
				t.Fatalf("batch at %d not acknowledged in 20 s", i)
			}
		}
	}
	to := func(cs []*child) []*faultClient {
		var out []*faultClient
		for _, c := range cs {
			out = append(out, newFaultClient(c.base))
		}
		return out
	}
	half := len(obs) / 2
	send(0, half, to(live))
	waitAlerts(t, other.base, map[string]int{"departed": 1})
	// The departure is delivered before the kill: a delivery cut short by
	// the kill may rightly be repeated, and that is not what this tests.
	waitHook(t, hook, []string{"departed"})

	victim := live[vi]
	victim.cmd.Process.Signal(syscall.SIGKILL)
	victim.cmd.Wait()
	survivors := append(append([]*child(nil), live[:vi]...), live[vi+1:]...)
	// While the owner is dead the survivors forward the aircraft's fixes
	// to the partition's stream, then one takes the partition over.
	third := half + (len(obs)-half)/2
	send(half, third, to(survivors))
	back := startChild(t, string(rune('a'+vi))+"2", cfg, url)
	live[vi] = back
	waitShared(t, bases(), partition.Of(hex))
	send(third, len(obs), to(live))

	waitAlerts(t, other.base, map[string]int{"departed": 1, "landed": 1})
	time.Sleep(11 * time.Second) // two ticks of each instance
	for _, c := range live {
		if got := alertTypes(t, c.base); len(got) != 2 || got["departed"] != 1 || got["landed"] != 1 {
			t.Errorf("alerts stored, read at %s = %v, want departed and landed once each", c.base, got)
		}
	}
	var legs featureCollection
	getJSON(t, back.base+"/api/v1/flights?hex="+hex, &legs)
	if len(legs.Features) != 1 {
		ids := []string{}
		for _, f := range legs.Features {
			ids = append(ids, fmt.Sprint(f.Properties["id"]))
		}
		t.Errorf("flights of %s = %v, want one leg", hex, ids)
	} else if p := legs.Features[0].Properties; p["status"] != "landed" || p["plan"] != "kill-own" {
		t.Errorf("leg = %v, want landed on plan kill-own", p)
	}
	acked := 0
	var missing []string
	times := trackTimes(t, back.base, hex)
	for _, c := range clients {
		c.mu.Lock()
		acked += c.ackObs
		for _, ts := range c.acked[hex] {
			if !times[ts.UTC().Format(time.RFC3339Nano)] && !times[ts.UTC().Format(time.RFC3339)] {
				missing = append(missing, ts.UTC().Format(time.RFC3339))
			}
		}
		c.mu.Unlock()
	}
	if acked != len(obs) {
		t.Errorf("%d of %d fixes acknowledged in full answers, want all", acked, len(obs))
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d acknowledged fixes missing from the track: %v", len(missing), acked, missing)
	}
	// The two ticks above left time for a repeated POST to arrive.
	waitHook(t, hook, []string{"departed", "landed"})
	if h := hook.got(); strings.Join(h, ",") != "departed,landed" {
		t.Errorf("webhook got %v, want departed,landed once each", h)
	}
	hook.mu.Lock()
	bad := hook.badSig
	hook.mu.Unlock()
	if bad != 0 {
		t.Errorf("webhook got %d POSTs with a bad signature", bad)
	}
}

// waitHook waits until hook has received at least the alerts of want, in
// order.
func waitHook(t *testing.T, hook *webhookSink, want []string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		h := hook.got()
		if len(h) >= len(want) {
			if strings.Join(h[:len(want)], ",") != strings.Join(want, ",") {
				t.Fatalf("webhook got %v, want %v first", h, want)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook got %v in 30 s, want %v", h, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
