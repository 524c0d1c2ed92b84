package partition

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
	"github.com/flightwatch/flightwatch/store/redis/redisurl"
)

// testClient connects to the test Redis (FLIGHTWATCH_TEST_REDIS_URL, or
// database 15 on the local server) and returns it with a private key
// prefix whose keys are deleted when the test ends.
func testClient(t testing.TB) (goredis.UniversalClient, string) {
	url := os.Getenv("FLIGHTWATCH_TEST_REDIS_URL")
	if url == "" {
		url = "redis://127.0.0.1:6379/15"
	}
	opt, err := redisurl.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	c := opt.Client()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatalf("Redis at %s does not answer (set FLIGHTWATCH_TEST_REDIS_URL; the tests need a real Redis): %v", url, err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "fwtest-" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx := context.Background()
		for _, pat := range keyspace.New(prefix).Patterns() {
			iter := c.Scan(ctx, 0, pat, 1000).Iterator()
			for iter.Next(ctx) {
				c.Del(ctx, iter.Val())
			}
		}
		c.Close()
	})
	return c, prefix
}
