package redis

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
	"github.com/flightwatch/flightwatch/store/redis/internal/redistest"
	"github.com/flightwatch/flightwatch/store/redis/pubsub"
	"github.com/flightwatch/flightwatch/store/storetest"
)

// testCluster is a cluster the test started.
type testCluster = redistest.Cluster

func startCluster(t testing.TB, n int) *testCluster { return redistest.Start(t, n) }

// newClusterStore opens a store on the cluster by URL with a private
// prefix and drops its keys when the test ends.
func newClusterStore(t testing.TB, url, prefix string, cfg store.Config) *Store {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := New(ctx, url, prefix, cfg)
	if err != nil {
		t.Fatalf("New(%s): %v", url, err)
	}
	if _, ok := s.Client().(*goredis.ClusterClient); !ok {
		t.Fatalf("New(%s) made a %T, want a cluster client", url, s.Client())
	}
	t.Cleanup(func() {
		if err := s.Drop(context.Background()); err != nil {
			t.Errorf("drop test keys: %v", err)
		}
		s.Close()
	})
	return s
}

// owner returns the address of the master serving key's slot, asked of
// node addr with CLUSTER KEYSLOT and CLUSTER SLOTS.
func owner(t testing.TB, addr, key string) string {
	ctx := context.Background()
	cl := goredis.NewClient(&goredis.Options{Addr: addr})
	defer cl.Close()
	slot, err := cl.ClusterKeySlot(ctx, key).Result()
	if err != nil {
		t.Fatal(err)
	}
	ranges, err := cl.ClusterSlots(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ranges {
		if int64(r.Start) <= slot && slot <= int64(r.End) {
			return r.Nodes[0].Addr
		}
	}
	t.Fatalf("no node serves slot %d", slot)
	return ""
}

func TestCluster(t *testing.T) {
	c := startCluster(t, 3)

	t.Run("Contract", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) store.Store {
			return newClusterStore(t, c.URL(), randomPrefix(t), storetest.Config())
		})
	})
	t.Run("HistoryContract", func(t *testing.T) {
		storetest.RunHistory(t, func(t *testing.T) store.Store {
			return newClusterStore(t, c.URL(), randomPrefix(t), storetest.HistoryConfig())
		})
	})
	t.Run("BusContract", func(t *testing.T) {
		storetest.RunBus(t, func(t *testing.T) store.Bus {
			s := newClusterStore(t, c.URL(), randomPrefix(t), store.Config{})
			return pubsub.New(s.Client(), randomPrefix(t))
		})
	})
	t.Run("SeedNotOwningSlot", func(t *testing.T) { testSeedNotOwningSlot(t, c) })
	t.Run("Spread", func(t *testing.T) { testSpread(t, c) })
	t.Run("Migrate", func(t *testing.T) {
		testMigrate(t, newClusterStore(t, c.URL(), randomPrefix(t), storetest.HistoryConfig()))
	})
	// Last: it stops a node.
	t.Run("PingUnhealthy", func(t *testing.T) { testPingUnhealthy(t, c) })
}

// TestStandingCluster runs the store's contracts on the Redis Cluster at
// FLIGHTWATCH_TEST_REDIS_CLUSTER_URL (.ci/run starts one beside the single
// Redis), each under a private prefix; TestCluster starts a cluster of
// its own, which it may also break.
func TestStandingCluster(t *testing.T) {
	url := os.Getenv("FLIGHTWATCH_TEST_REDIS_CLUSTER_URL")
	if url == "" {
		t.Skip("FLIGHTWATCH_TEST_REDIS_CLUSTER_URL not set: no standing Redis Cluster")
	}
	t.Run("Contract", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) store.Store {
			return newClusterStore(t, url, randomPrefix(t), storetest.Config())
		})
	})
	t.Run("HistoryContract", func(t *testing.T) {
		storetest.RunHistory(t, func(t *testing.T) store.Store {
			return newClusterStore(t, url, randomPrefix(t), storetest.HistoryConfig())
		})
	})
	t.Run("BusContract", func(t *testing.T) {
		storetest.RunBus(t, func(t *testing.T) store.Bus {
			s := newClusterStore(t, url, randomPrefix(t), store.Config{})
			return pubsub.New(s.Client(), randomPrefix(t))
		})
	})
}

// testSeedNotOwningSlot points the URL at one node that does not serve the
// slot of an aircraft's keys: a plain client there gets MOVED, the cluster
// store follows it, and Ping (what /readyz calls) is healthy.
func testSeedNotOwningSlot(t *testing.T, c *testCluster) {
	ctx := context.Background()
	prefix := randomPrefix(t)
	k := keyspace.New(prefix)
	own := owner(t, c.Addrs[0], k.Aircraft(keyspace.Partition("abc123")))
	var seed string
	for _, a := range c.Addrs {
		if a != own {
			seed = a
			break
		}
	}
	plain := goredis.NewClient(&goredis.Options{Addr: seed})
	defer plain.Close()
	if err := plain.HGet(ctx, k.Aircraft(keyspace.Partition("abc123")), "abc123").Err(); err == nil || !strings.HasPrefix(err.Error(), "MOVED") {
		t.Fatalf("plain client at %s (slot owner %s): HGET = %v, want MOVED", seed, own, err)
	}

	s := newClusterStore(t, c.URL(seed), prefix, storetest.Config())
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping() = %v, want healthy", err)
	}
	t0 := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
	ac := flight.Aircraft{Observation: flight.Observation{Hex: "abc123", Time: t0, Lat: 40, Lon: -74}}
	// PutWithTrack runs the store's scripts and pipelines across its keys.
	if err := s.PutAircraft(ctx, []flight.Aircraft{ac}); err != nil {
		t.Fatalf("PutAircraft() through %s = %v", seed, err)
	}
	got, err := s.Aircraft(ctx, "abc123")
	if err != nil || got.Hex != "abc123" || got.Lat != 40 {
		t.Fatalf("Aircraft() = %+v, %v", got, err)
	}
	al := flight.Alert{Key: "k1", Type: flight.AlertDeparted, Time: t0}
	if added, err := s.AddAlert(ctx, &al); err != nil || !added {
		t.Fatalf("AddAlert() = %v, %v", added, err)
	}
	if added, err := s.AddAlert(ctx, &flight.Alert{Key: "k1", Type: flight.AlertDeparted, Time: t0}); err != nil || added {
		t.Fatalf("AddAlert(same key) = %v, %v; want not added", added, err)
	}
	// Each key is on its slot's owner.
	for _, key := range []string{k.Aircraft(keyspace.Partition("abc123")), k.Alerts()} {
		addr := owner(t, c.Addrs[0], key)
		cl := goredis.NewClient(&goredis.Options{Addr: addr})
		n, err := cl.Exists(ctx, key).Result()
		cl.Close()
		if err != nil || n != 1 {
			t.Errorf("%s on its owner %s: EXISTS = %d, %v; want 1", key, addr, n, err)
		}
	}
}

// testPingUnhealthy stops one master, neither the seed nor the one
// serving the store-wide keys: Ping must fail although the seed and that
// node still answer.
func testPingUnhealthy(t *testing.T, c *testCluster) {
	prefix := randomPrefix(t)
	ctx := context.Background()
	// Not newClusterStore: its cleanup drops keys on every master, and
	// one is stopped here. This store writes nothing.
	s, err := New(ctx, c.URL(c.Addrs[0]), prefix, store.Config{})
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping() before = %v", err)
	}
	own := owner(t, c.Addrs[0], keyspace.New(prefix).Alerts())
	v := len(c.Addrs) - 1
	for c.Addrs[v] == own || v == 0 {
		v--
	}
	victim := c.Procs[v]
	victim.Process.Kill()
	victim.Wait()
	seed := goredis.NewClient(&goredis.Options{Addr: c.Addrs[0]})
	defer seed.Close()
	if err := seed.Ping(ctx).Err(); err != nil {
		t.Fatalf("seed %s stopped answering: %v", c.Addrs[0], err)
	}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := s.Ping(pctx); err == nil {
		t.Errorf("Ping() with master %s stopped = nil, want an error", c.Addrs[v])
	}
}

// BenchmarkClusterStore runs the store benchmarks on a 3-node cluster,
// reached through a seed that does not serve the store-wide keys, to
// compare with BenchmarkStore on the single Redis.
func BenchmarkClusterStore(b *testing.B) {
	c := startCluster(b, 3)
	storetest.Bench(b, func(b *testing.B) store.Store {
		prefix := randomPrefix(b)
		own := owner(b, c.Addrs[0], keyspace.New(prefix).Alerts())
		seed := c.Addrs[0]
		if seed == own {
			seed = c.Addrs[1]
		}
		return newClusterStore(b, c.URL(seed), prefix, store.Config{})
	})
}
