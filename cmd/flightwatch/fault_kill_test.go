package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// childEnv names the configuration file a re-executed test binary serves
// with: TestMain then runs one flightwatch instance instead of the tests.
const childEnv = "FLIGHTWATCH_FAULT_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
		err := serve(ctx, []string{"--config", path})
		stop()
		if err != nil {
			fmt.Fprintln(os.Stderr, "serve:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// child is a flightwatch instance in a process of its own.
type child struct {
	cmd  *exec.Cmd
	base string
}

// startChild runs the test binary as a flightwatch instance with the
// configuration text cfg on redisURL, and waits until it is ready.
func startChild(t *testing.T, name, cfg, redisURL string) *child {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "flightwatch.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+path, fmt.Sprintf("FLIGHTWATCH_LISTEN=127.0.0.1:%d", port),
		"FLIGHTWATCH_REDIS_URL="+redisURL, "FLIGHTWATCH_INGEST_TOKENS="+token, "FLIGHTWATCH_DEMO=")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		c.cmd.Wait()
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("%s log:\n%s", name, b)
		}
	})
	waitStatus(t, c.base+"/readyz", http.StatusOK, 30*time.Second)
	return c
}

// TestFaultKillRaisingInstance kills (SIGKILL) the instance that raised an
// alert while it is retrying the webhook; the other instance sharing the
// Redis takes the delivery over, with the same delivery id.
func TestFaultKillRaisingInstance(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test: runs two instances in processes of their own")
	}
	r := startOwnRedis(t)
	hook := newHookReceiver()
	hook.failing.Store(true)
	hs := httptest.NewServer(hook)
	defer hs.Close()
	cfg := fmt.Sprintf(`redis:
  prefix: kill
store:
  takeover: 3s
webhooks:
  - name: test
    url: %s
    secret: hook-secret
    max_age: 1h
    timeout: 2s
`, hs.URL)
	a := startChild(t, "a", cfg, r.url())

	start := time.Now().UTC().Add(-5 * time.Hour).Truncate(time.Second)
	plan := fmt.Sprintf(`{"id":"kill-gt","origin":"KBIF","destination":"MGGT","hex":"ae5a01","departure":%q}`,
		start.Add(4*time.Minute).Format(time.RFC3339))
	if resp := post(t, a.base+"/api/v1/plans", "application/json", []byte(plan)); resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST plan: %s", resp.Status)
	}
	ground, climb, _ := splitFlight(demoTrack(t, "ae5a01", start))
	ctx := context.Background()
	ca := newFaultClient(a.base)
	if !ca.send(ctx, ground) || !ca.send(ctx, climb) {
		t.Fatal("flight not acknowledged")
	}
	var alerts featureCollection
	getJSON(t, a.base+"/api/v1/alerts?type=departed", &alerts)
	if len(alerts.Features) != 1 {
		t.Fatalf("departed alerts = %d, want 1", len(alerts.Features))
	}
	id := fmt.Sprint(alerts.Features[0].ID)
	// A is retrying: wait for its second failed POST, then kill it.
	deadline := time.Now().Add(20 * time.Second)
	for {
		hook.mu.Lock()
		n := hook.tried[id]
		hook.mu.Unlock()
		if n >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("instance a POSTed the alert %d times in 20 s, want retries", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	b := startChild(t, "b", cfg, r.url())
	a.cmd.Process.Signal(syscall.SIGKILL)
	a.cmd.Wait()
	killed := time.Now()
	hook.failing.Store(false)
	for hook.got(id) == 0 {
		if time.Since(killed) > 60*time.Second {
			t.Fatalf("alert %s not delivered within 60 s of killing the instance that raised it", id)
		}
		time.Sleep(50 * time.Millisecond)
	}
	took := time.Since(killed)
	hook.mu.Lock()
	defer hook.mu.Unlock()
	for did, n := range hook.tried {
		if did != id {
			t.Errorf("%d POSTs with delivery id %q, want only %q", n, did, id)
		}
	}
	t.Logf("alert %s: %d POSTs (failed while a lived), delivered by b %v after a was killed", id, hook.tried[id], took.Round(time.Millisecond))
	var bAlerts featureCollection
	getJSON(t, b.base+"/api/v1/alerts?type=departed", &bAlerts)
	if len(bAlerts.Features) != 1 {
		t.Errorf("b serves %d departed alerts, want 1", len(bAlerts.Features))
	}
}
