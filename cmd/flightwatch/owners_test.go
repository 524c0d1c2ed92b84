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
// is stored twice.
func TestOwnersKillOwner(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test: runs instances in processes of their own")
	}
	r := startOwnRedis(t)
	cfg := "redis:\n  prefix: own\ncluster:\n  lease: 1500ms\n"
	a := startChild(t, "a", cfg, r.url())
	b := startChild(t, "b", cfg, r.url())
	const hex = "ae5a01"
	owner := waitShared(t, []string{a.base, b.base}, partition.Of(hex))
	victim, other := a, b
	if owner == b.base {
		victim, other = b, a
	}

	start := time.Now().UTC().Add(-5 * time.Hour).Truncate(time.Second)
	plan := fmt.Sprintf(`{"id":"kill-own","origin":"KBIF","destination":"MGGT","hex":%q,"departure":%q}`,
		hex, start.Add(4*time.Minute).Format(time.RFC3339))
	if resp := post(t, other.base+"/api/v1/plans", "application/json", []byte(plan)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST plan: %s", resp.Status)
	}
	time.Sleep(300 * time.Millisecond)
	obs := demoTrack(t, hex, start)
	ctx := context.Background()
	clients := []*faultClient{newFaultClient(a.base), newFaultClient(b.base)}
	half := len(obs) / 2
	send := func(from, to int, cs []*faultClient) {
		for i, n := from, 0; i < to; i, n = i+10, n+1 {
			sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			ok := cs[n%len(cs)].send(sctx, obs[i:min(i+10, to)])
			cancel()
			if !ok {
				t.Fatalf("batch at %d not acknowledged in 20 s", i)
			}
		}
	}
	send(0, half, clients)
	waitAlerts(t, other.base, map[string]int{"departed": 1})

	victim.cmd.Process.Signal(syscall.SIGKILL)
	victim.cmd.Wait()
	// While the owner is dead the survivor forwards the aircraft's fixes
	// to the partition's stream, then takes the partition over.
	third := half + (len(obs)-half)/2
	send(half, third, []*faultClient{newFaultClient(other.base)})
	name := "a2"
	if victim == b {
		name = "b2"
	}
	back := startChild(t, name, cfg, r.url())
	waitShared(t, []string{back.base, other.base}, partition.Of(hex))
	send(third, len(obs), []*faultClient{newFaultClient(back.base), newFaultClient(other.base)})

	waitAlerts(t, other.base, map[string]int{"departed": 1, "landed": 1})
	time.Sleep(11 * time.Second) // two ticks of each instance
	got := alertTypes(t, other.base)
	if len(got) != 2 || got["departed"] != 1 || got["landed"] != 1 {
		t.Errorf("stored alerts = %v, want departed and landed once each", got)
	}
	var legs featureCollection
	getJSON(t, back.base+"/api/v1/flights?hex="+hex, &legs)
	if len(legs.Features) != 1 {
		t.Errorf("flights of %s = %d legs, want 1", hex, len(legs.Features))
	}
	times := trackTimes(t, back.base, hex)
	missing := 0
	for _, o := range obs {
		if !times[o.Time.UTC().Format(time.RFC3339Nano)] && !times[o.Time.UTC().Format(time.RFC3339)] {
			missing++
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged fixes missing from the track", missing, len(obs))
	}
}
