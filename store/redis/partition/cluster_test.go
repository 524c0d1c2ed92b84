package partition

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/store/redis/redisurl"
)

// startCluster starts a 3-master Redis Cluster of redis-server processes
// on loopback and returns a cluster client on it; the processes stop when
// the test ends. It skips the test when redis-server or redis-cli is
// missing.
func startCluster(t *testing.T) goredis.UniversalClient {
	server, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed: the cluster tests need it")
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli not installed: the cluster tests need it")
	}
	dir := t.TempDir()
	var addrs []string
	for range 3 {
		port := clusterPort(t, addrs)
		cmd := exec.Command(server, "--port", port, "--bind", "127.0.0.1", "--cluster-enabled", "yes",
			"--cluster-config-file", "nodes-"+port+".conf", "--dir", dir,
			"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "redis-"+port+".log")
		if err := cmd.Start(); err != nil {
			t.Fatalf("start redis-server: %v", err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		addrs = append(addrs, "127.0.0.1:"+port)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	until := func(addr string, check func(*goredis.Client) error) {
		cl := goredis.NewClient(&goredis.Options{Addr: addr, MaxRetries: -1})
		defer cl.Close()
		for {
			err := check(cl)
			if err == nil {
				return
			}
			select {
			case <-ctx.Done():
				t.Fatalf("redis at %s: %v", addr, err)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	for _, a := range addrs {
		until(a, func(cl *goredis.Client) error { return cl.Ping(ctx).Err() })
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, a := range addrs {
		until(a, func(cl *goredis.Client) error {
			info, err := cl.ClusterInfo(ctx).Result()
			if err != nil {
				return err
			}
			if !strings.Contains(info, "cluster_state:ok") {
				return fmt.Errorf("cluster_state not ok")
			}
			return nil
		})
	}
	opt, err := redisurl.Parse("redis+cluster://" + strings.Join(addrs, ","))
	if err != nil {
		t.Fatal(err)
	}
	c := opt.Client()
	t.Cleanup(func() { c.Close() })
	return c
}

// clusterPort finds a loopback port whose cluster bus port (+10000) is
// free too.
func clusterPort(t *testing.T, taken []string) string {
	for range 200 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if p+10000 > 65535 || strings.Contains(strings.Join(taken, ","), ":"+strconv.Itoa(p)) {
			continue
		}
		if bus, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+10000)); err == nil {
			bus.Close()
			return strconv.Itoa(p)
		}
	}
	t.Fatal("no free port pair")
	return ""
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
