package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/redis"
	"github.com/flightwatch/flightwatch/store/redis/pubsub"
	"github.com/flightwatch/flightwatch/store/storetest"
)

// redisStore connects to the test Redis (FLIGHTWATCH_TEST_REDIS_URL,
// default redis://127.0.0.1:6379/15) under a private random prefix and
// deletes its keys when the test ends. It skips when Redis is absent.
func redisStore(t testing.TB) (*redis.Store, string) {
	t.Helper()
	url := redisURL()
	var rb [6]byte
	_, _ = rand.Read(rb[:])
	prefix := "fwtest-server-" + hex.EncodeToString(rb[:])
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
		if len(keys) > 0 {
			c.Del(ctx, keys...)
		}
		st.Close()
	})
	return st, prefix
}

// TestTwoInstancesOnRedis runs two servers on one Redis store and bus: a
// position posted to A is read from B and pushed to B's websocket client.
func TestTwoInstancesOnRedis(t *testing.T) {
	st, prefix := redisStore(t)
	stB, err := redis.New(t.Context(), redisURL(), prefix, store.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer stB.Close()
	a := startServer(t, Config{InstanceID: "a"}, st, pubsub.New(st.Client(), prefix+":events"))
	b := startServer(t, Config{InstanceID: "b"}, stB, pubsub.New(stB.Client(), prefix+":events"))

	c := dialWS(t, b, "")
	sendWS(t, c, `{"op":"subscribe","bbox":[-130,20,-60,50]}`)
	if m := readMsg(t, c); m.Type != "snapshot" {
		t.Fatalf("first message %+v", m)
	}
	postObs(t, a, obsLine("ae0042", 31.85, -106.38, time.Now(), `,"callsign":"RCH821"`))

	code, _, body := do(t, "GET", b.url+"/api/v1/aircraft?bbox=-107,31,-105,33", "", "", nil)
	if code != http.StatusOK {
		t.Fatalf("GET from B = %d %s", code, body)
	}
	if got := ids(featureCollection(t, body)); !slices.Equal(got, []string{"ae0042"}) {
		t.Errorf("B serves %v, want [ae0042]", got)
	}
	m := readUntil(t, c, "update", func(m wsMsg) bool { return m.Type == "update" })
	if got := ids(featureCollection(t, m.Data)); !slices.Equal(got, []string{"ae0042"}) {
		t.Errorf("B pushed %v, want [ae0042]", got)
	}
	if code, _, _ := do(t, "GET", b.url+"/readyz", "", "", nil); code != 200 {
		t.Errorf("readyz on Redis = %d", code)
	}
}

// TestRedisDown answers 503 when Redis is unreachable (a closed port).
func TestRedisDown(t *testing.T) {
	st, prefix := redisStore(t)
	// a client to a port nothing listens on, behind a working store's API
	dead := redis.NewWithClient(goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:1", MaxRetries: -1,
		DialTimeout: time.Second}), prefix, store.Config{})
	in := startServer(t, Config{}, dead, pubsub.New(st.Client(), prefix+":events"))
	code, hdr, body := do(t, "POST", in.url+"/api/v1/positions", ingestToken, "application/x-ndjson",
		[]byte(obsLine("ae0001", 31.85, -106.38, time.Now(), "")))
	if code != http.StatusServiceUnavailable || hdr.Get("Retry-After") == "" {
		t.Errorf("POST with Redis down = %d %s, want 503 with Retry-After", code, body)
	}
	if code, _, _ := do(t, "GET", in.url+"/readyz", "", "", nil); code != http.StatusServiceUnavailable {
		t.Errorf("readyz with Redis down = %d, want 503", code)
	}
}

func redisURL() string {
	if url := os.Getenv("FLIGHTWATCH_TEST_REDIS_URL"); url != "" {
		return url
	}
	return "redis://127.0.0.1:6379/15"
}

// redisUsedMemory returns Redis's used_memory (INFO memory) when st is a
// Redis store.
func redisUsedMemory(st store.Store) (int64, bool) {
	rs, ok := st.(*redis.Store)
	if !ok {
		return 0, false
	}
	info, err := rs.Client().Info(context.Background(), "memory").Result()
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(info, "\n") {
		if v, found := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); found {
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}
