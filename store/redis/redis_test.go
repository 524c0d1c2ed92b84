package redis

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"
	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/redis/pubsub"
	"github.com/flightwatch/flightwatch/store/storetest"
)

// testURL is the Redis the tests use: FLIGHTWATCH_TEST_REDIS_URL, or
// database 15 on the local server.
func testURL() string {
	if u := os.Getenv("FLIGHTWATCH_TEST_REDIS_URL"); u != "" {
		return u
	}
	return "redis://127.0.0.1:6379/15"
}

func randomPrefix(t testing.TB) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "fwtest-" + hex.EncodeToString(b)
}

// newTestStore connects to the test Redis with a private prefix and drops
// its keys when the test ends. Redis is required: no Redis fails the test.
func newTestStore(t testing.TB, prefix string, cfg store.Config) *Store {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := New(ctx, testURL(), prefix, cfg)
	if err != nil {
		t.Fatalf("Redis at %s does not answer (set FLIGHTWATCH_TEST_REDIS_URL; the tests need a real Redis): %v", testURL(), err)
	}
	t.Cleanup(func() {
		if err := s.Drop(context.Background()); err != nil {
			t.Errorf("drop test keys: %v", err)
		}
		s.Close()
	})
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		return newTestStore(t, randomPrefix(t), storetest.Config())
	})
}

// TestTwoInstances checks that two stores on one Redis and prefix see each
// other's writes, and two buses on one channel deliver each other's events.
func TestTwoInstances(t *testing.T) {
	ctx := context.Background()
	prefix := randomPrefix(t)
	a := newTestStore(t, prefix, storetest.Config())
	b := newTestStore(t, prefix, storetest.Config())
	ac := flight.Aircraft{Observation: flight.Observation{Hex: "abc123", Time: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Lat: 40, Lon: -74}}
	if err := a.PutAircraft(ctx, []flight.Aircraft{ac}); err != nil {
		t.Fatal(err)
	}
	got, err := b.AircraftIn(ctx, orb.Bound{Min: orb.Point{-75, 39}, Max: orb.Point{-73, 41}})
	if err != nil || len(got) != 1 || got[0].Hex != "abc123" {
		t.Errorf("other instance AircraftIn() = %v, %v; want abc123", got, err)
	}
	al := flight.Alert{Key: "same-cause", Type: flight.AlertDeparted, Time: ac.Time}
	al2 := al
	if added, err := a.AddAlert(ctx, &al); err != nil || !added {
		t.Fatalf("AddAlert() on a = %v, %v", added, err)
	}
	if added, err := b.AddAlert(ctx, &al2); err != nil || added {
		t.Errorf("AddAlert(same key) on b = %v, %v; want not added", added, err)
	}

	channel := randomPrefix(t)
	busA, busB := pubsub.New(a.Client(), channel), pubsub.New(b.Client(), channel)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chA, err := busA.Subscribe(sctx)
	if err != nil {
		t.Fatal(err)
	}
	chB, err := busB.Subscribe(sctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := busA.Publish(ctx, store.Event{Kind: store.EventRemove, Removed: []string{"x"}, Source: "A"}); err != nil {
		t.Fatal(err)
	}
	if err := busB.Publish(ctx, store.Event{Kind: store.EventRemove, Removed: []string{"y"}, Source: "B"}); err != nil {
		t.Fatal(err)
	}
	for name, ch := range map[string]<-chan store.Event{"A": chA, "B": chB} {
		var sources []string
		for range 2 {
			sources = append(sources, (<-ch).Source)
		}
		if !slices.Equal(sources, []string{"A", "B"}) {
			t.Errorf("bus %s received events from %v, want [A B]", name, sources)
		}
	}
}

// TestUnavailable checks that a Redis that cannot be reached gives errors
// wrapping store.ErrUnavailable.
func TestUnavailable(t *testing.T) {
	ctx := context.Background()
	client := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", DialTimeout: 200 * time.Millisecond, MaxRetries: -1})
	defer client.Close()
	s := NewWithClient(client, randomPrefix(t), store.Config{})
	tests := []struct {
		name string
		call func() error
	}{
		{"Ping", func() error { return s.Ping(ctx) }},
		{"PutAircraft", func() error {
			return s.PutAircraft(ctx, []flight.Aircraft{{Observation: flight.Observation{Hex: "abc123", Lat: 1, Lon: 1}}})
		}},
		{"AddReports", func() error {
			_, err := s.AddReports(ctx, []flight.Report{{ID: "r", Time: time.Now(), Count: 1}})
			return err
		}},
		{"Aircraft", func() error { _, err := s.Aircraft(ctx, "abc123"); return err }},
		{"Publish", func() error { return pubsub.New(client, "c").Publish(ctx, store.Event{Kind: store.EventPlans}) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); !errors.Is(err, store.ErrUnavailable) {
				t.Errorf("%s() = %v, want ErrUnavailable", tc.name, err)
			}
		})
	}
	if _, err := New(ctx, "redis://127.0.0.1:1/0", "p", store.Config{}); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("New(unreachable) = %v, want ErrUnavailable", err)
	}
	if _, err := New(ctx, "http://nope", "p", store.Config{}); err == nil {
		t.Errorf("New(bad url) = nil error")
	}
}
