package ogc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/redis"
	"github.com/flightwatch/flightwatch/store/storetest"
)

// redisStore connects to the test Redis (FLIGHTWATCH_TEST_REDIS_URL,
// default redis://127.0.0.1:6379/15) under a private random prefix and
// deletes its keys when the test ends. It skips when Redis is absent.
func redisStore(t testing.TB) *redis.Store {
	t.Helper()
	url := os.Getenv("FLIGHTWATCH_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/15"
	}
	var rb [6]byte
	_, _ = rand.Read(rb[:])
	prefix := "fwtest-ogc-" + hex.EncodeToString(rb[:])
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := redis.New(ctx, url, prefix, store.Config{Keyer: storetest.Keyer()})
	if err != nil {
		t.Skipf("no Redis at %s: %v", url, err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		c := st.Client()
		iter := c.Scan(ctx, 0, "*"+prefix+"*", 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		for len(keys) > 0 {
			n := min(len(keys), 1000)
			c.Del(ctx, keys[:n]...)
			keys = keys[n:]
		}
		st.Close()
	})
	return st
}

// TestFilterRedis answers every filter case on the Redis store.
func TestFilterRedis(t *testing.T) {
	st := redisStore(t)
	fillStore(t, st)
	srv := newServer(t, Config{PublicRawReports: true, MinCellCount: 1}, Deps{Store: st})
	runFilterCases(t, srv.URL)
}

// TestPagingRedis follows next links one feature at a time through the
// store-paged collections on Redis and on memory: both see the same
// features in the same order.
func TestPagingRedis(t *testing.T) {
	st := redisStore(t)
	fillStore(t, st)
	onRedis := newServer(t, Config{}, Deps{Store: st})
	onMemory := newServer(t, Config{}, Deps{})
	walk := func(base, coll, query string) []string {
		var seen []string
		next := base + "/ogc/collections/" + coll + "/items?limit=1&" + query
		for pages := 0; next != ""; pages++ {
			if pages > 10 {
				t.Fatal("next links do not end")
			}
			var doc itemsDoc
			if s := getJSON(t, next, &doc); s != 200 {
				t.Fatalf("GET %s = %d", next, s)
			}
			for _, f := range doc.Features {
				seen = append(seen, f.ID+" "+fmt.Sprint(f.Properties["hex"]))
			}
			next = ""
			if l, ok := linkOf(doc.Links, "next"); ok {
				next = l.Href
			}
		}
		return seen
	}
	for _, tt := range []struct{ coll, query string }{
		{"flights", ""}, {"flights", "datetime=2025-01-24T14:00:00Z/.."}, {"flights", "filter=callsign%20LIKE%20%27RCH%25%27"},
		{"alerts", ""}, {"alerts", "hex=ae1234"},
	} {
		r, m := walk(onRedis.URL, tt.coll, tt.query), walk(onMemory.URL, tt.coll, tt.query)
		if tt.coll == "alerts" {
			// alert ids are the stores' own: compare the hexes
			for i := range r {
				r[i] = r[i][strings.IndexByte(r[i], ' '):]
			}
			for i := range m {
				m[i] = m[i][strings.IndexByte(m[i], ' '):]
			}
		}
		if len(r) == 0 || !slices.Equal(r, m) {
			t.Errorf("%s?%s: Redis %v, memory %v", tt.coll, tt.query, r, m)
		}
	}
}
