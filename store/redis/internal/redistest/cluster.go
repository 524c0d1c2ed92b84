// Package redistest starts real Redis Clusters of plain redis-server
// processes on loopback for the store's tests.
package redistest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Cluster is a real Redis Cluster of plain redis-server processes on
// loopback, masters only.
type Cluster struct {
	Addrs []string    // host:port of each master
	Procs []*exec.Cmd // the redis-server processes, in Addrs order
}

// URL is the redis+cluster:// URL naming the given nodes (all when none).
func (c *Cluster) URL(nodes ...string) string {
	if len(nodes) == 0 {
		nodes = c.Addrs
	}
	return "redis+cluster://" + strings.Join(nodes, ",")
}

// freePort finds a port in 30000-40000 free on loopback whose cluster bus
// port (port+10000) is free too.
func freePort(t testing.TB, taken map[int]bool) int {
	for range 200 {
		p := 30000 + rand.IntN(10000)
		if taken[p] {
			continue
		}
		ok := true
		for _, q := range []int{p, p + 10000} {
			l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(q)))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			taken[p] = true
			return p
		}
	}
	t.Fatal("no free port pair in 30000-40000")
	return 0
}

// Start starts an n-node cluster, waits for cluster_state:ok on
// every node and stops the processes when the test ends. It skips the
// test when redis-server or redis-cli is missing.
func Start(t testing.TB, n int) *Cluster {
	server, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server not installed: the cluster tests need it")
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Skip("redis-cli not installed: the cluster tests need it")
	}
	dir := t.TempDir()
	c := &Cluster{}
	t.Cleanup(func() {
		for _, p := range c.Procs {
			if p.Process != nil {
				p.Process.Kill()
				p.Wait()
			}
		}
	})
	taken := map[int]bool{}
	for range n {
		port := strconv.Itoa(freePort(t, taken))
		cmd := exec.Command(server, "--port", port, "--bind", "127.0.0.1", "--cluster-enabled", "yes",
			"--cluster-config-file", "nodes-"+port+".conf", "--dir", dir,
			"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", "redis-"+port+".log")
		if err := cmd.Start(); err != nil {
			t.Fatalf("start redis-server: %v", err)
		}
		c.Procs = append(c.Procs, cmd)
		c.Addrs = append(c.Addrs, "127.0.0.1:"+port)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, a := range c.Addrs {
		waitFor(t, ctx, a, func(cl *goredis.Client) error { return cl.Ping(ctx).Err() })
	}
	args := append([]string{"--cluster", "create"}, c.Addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, a := range c.Addrs {
		waitFor(t, ctx, a, func(cl *goredis.Client) error {
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
	return c
}

// waitFor retries check on a plain client to addr until it passes.
func waitFor(t testing.TB, ctx context.Context, addr string, check func(*goredis.Client) error) {
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
