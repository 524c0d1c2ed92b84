package pubsub

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/storetest"
)

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

// newTestClient connects to the test Redis. Redis is required: no Redis
// fails the test.
func newTestClient(t testing.TB) goredis.UniversalClient {
	opt, err := goredis.ParseURL(testURL())
	if err != nil {
		t.Fatal(err)
	}
	client := goredis.NewClient(opt)
	t.Cleanup(func() { client.Close() })
	if err := client.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("Redis at %s does not answer (set FLIGHTWATCH_TEST_REDIS_URL; the tests need a real Redis): %v", testURL(), err)
	}
	return client
}

func TestContract(t *testing.T) {
	storetest.RunBus(t, func(t *testing.T) store.Bus {
		return New(newTestClient(t), randomPrefix(t))
	})
}

// TestBusLostOnDisconnect kills the subscription's connection on the
// server and checks that the subscriber is told it lost events, and that
// the subscription comes back by itself.
func TestBusLostOnDisconnect(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opt, err := goredis.ParseURL(testURL())
	if err != nil {
		t.Fatal(err)
	}
	name := randomPrefix(t)
	opt.ClientName = name
	client := goredis.NewClient(opt)
	defer client.Close()
	if err := client.Ping(ctx).Err(); err != nil {
		t.Fatalf("Redis at %s does not answer: %v", testURL(), err)
	}
	bus := New(client, name)
	ch, err := bus.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// Kill only this test's subscription connection, found by its name.
	list, err := client.ClientList(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	killed := 0
	for _, line := range strings.Split(list, "\n") {
		if !strings.Contains(line, " name="+name+" ") || !strings.Contains(line, " sub=1 ") {
			continue
		}
		for _, f := range strings.Fields(line) {
			if id, ok := strings.CutPrefix(f, "id="); ok {
				if err := client.Do(ctx, "CLIENT", "KILL", "ID", id).Err(); err != nil {
					t.Fatal(err)
				}
				killed++
			}
		}
	}
	if killed != 1 {
		t.Fatalf("found %d subscription connections named %s, want 1", killed, name)
	}

	// Publish until an event gets through the renewed subscription.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	lost := false
	for {
		select {
		case <-ctx.Done():
			t.Fatalf("no event after the reconnect (lost event seen: %v)", lost)
		case <-tick.C:
			if err := bus.Publish(ctx, store.Event{Kind: store.EventPlans}); err != nil {
				t.Fatal(err)
			}
		case e, ok := <-ch:
			if !ok {
				t.Fatal("channel closed after the connection was killed")
			}
			switch e.Kind {
			case store.EventLost:
				lost = true
			case store.EventPlans:
				if !lost {
					t.Fatal("event delivered after the reconnect without a lost event first")
				}
				return
			}
		}
	}
}

// TestSubscribeKinds checks that a subscriber for some kinds gets only
// those, in order, while a plain subscriber on the same channel gets all,
// including an event published as JSON.
func TestSubscribeKinds(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client := newTestClient(t)
	channel := randomPrefix(t)
	bus := New(client, channel)
	plans, err := bus.SubscribeKinds(ctx, store.EventPlans, store.EventRemove)
	if err != nil {
		t.Fatal(err)
	}
	all, err := bus.SubscribeKinds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a := flight.Aircraft{Observation: flight.Observation{Hex: "abc123", Time: time.Unix(1, 0).UTC(), Lat: 1, Lon: 2}}
	in := []store.Event{
		{Kind: store.EventAircraft, Aircraft: []flight.Aircraft{a}},
		{Kind: store.EventPlans, Source: "p1"},
		{Kind: store.EventAircraft, Aircraft: []flight.Aircraft{a, a}},
		{Kind: store.EventRemove, Removed: []string{"abc123"}},
	}
	for _, e := range in {
		if err := bus.Publish(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	// An older instance publishes JSON.
	if err := client.Publish(ctx, channel, `{"kind":"plans","source":"json"}`).Err(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		ch   <-chan store.Event
		want []store.EventKind
	}{
		{"plans and removals", plans, []store.EventKind{store.EventPlans, store.EventRemove, store.EventPlans}},
		{"all", all, []store.EventKind{store.EventAircraft, store.EventPlans, store.EventAircraft, store.EventRemove, store.EventPlans}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for i, want := range tc.want {
				select {
				case e := <-tc.ch:
					if e.Kind != want {
						t.Fatalf("event %d = %s, want %s", i, e.Kind, want)
					}
					if i == len(tc.want)-1 && e.Source != "json" {
						t.Errorf("last event source = %q, want the JSON event's", e.Source)
					}
				case <-ctx.Done():
					t.Fatalf("event %d: none, want %s", i, want)
				}
			}
		})
	}
}
