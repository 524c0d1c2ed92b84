package partition

import (
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/store/redis/internal/redistest"
	"github.com/flightwatch/flightwatch/store/redis/redisurl"
)

// startCluster starts a 3-master Redis Cluster of redis-server processes
// on loopback and returns a cluster client on it; the processes stop when
// the test ends. It skips the test when redis-server or redis-cli is
// missing.
func startCluster(t *testing.T) goredis.UniversalClient {
	opt, err := redisurl.Parse(redistest.Start(t, 3).URL())
	if err != nil {
		t.Fatal(err)
	}
	c := opt.Client()
	t.Cleanup(func() { c.Close() })
	return c
}

// TestCluster runs the lease and reprocessing tests on a Redis Cluster,
// where every script and stream command must stay in one slot.
func TestCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 3-node Redis Cluster")
	}
	c := startCluster(t)
	t.Run("ShareExactlyOnce", func(t *testing.T) {
		ls, holders := newLeasesOn(t, c, "fwc1", 3, 5*time.Second)
		testShareExactlyOnce(t, ls, holders)
	})
	t.Run("Reprocessing", func(t *testing.T) {
		testReprocessing(t, c, "fwc2")
	})
}
