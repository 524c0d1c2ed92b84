package ogc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/redis"
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
	st, err := redis.New(ctx, url, prefix, store.Config{})
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
