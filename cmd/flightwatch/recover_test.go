package main

import (
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/configs"
	"github.com/flightwatch/flightwatch/flight"
)

// privateRedis starts a redis-server of this test's own on port (0: a free
// one) and returns the port and a function that stops it.
func privateRedis(t *testing.T, port int) (int, func()) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed: this test stops and restarts a Redis of its own")
	}
	if port == 0 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
	}
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cmd.Process.Kill()
			cmd.Wait()
		}
	}
	t.Cleanup(stop)
	return port, stop
}

func postObs(t *testing.T, base string, o flight.Observation) *http.Response {
	t.Helper()
	return post(t, base+"/api/v1/positions", "application/x-ndjson", append(o.AppendJSON(nil), '\n'))
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestRedisOutage stops Redis under a running instance: ingest answers 503
// with Retry-After (never 202) and /readyz 503; when Redis is back on the
// same address the instance recovers by itself and what it accepted
// before the outage is still served.
func TestRedisOutage(t *testing.T) {
	port, stop := privateRedis(t, 0)
	cfg := configs.Default()
	cfg.Redis.URL = fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	cfg.HTTP.Tokens = []configs.Token{{Token: token, Scopes: []string{"ingest"}}}
	base := startApp(t, cfg)

	o := flight.Observation{Hex: "ae1234", Time: time.Now().UTC().Add(-10 * time.Second), Lat: 31.8, Lon: -106.4,
		AltFt: 9000, Has: flight.HasAlt}
	if resp := postObs(t, base, o); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("before the outage: %s", resp.Status)
	}

	stop()
	o2 := o
	o2.Hex, o2.Time = "ae5678", o.Time.Add(time.Second)
	resp := postObs(t, base, o2)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("during the outage: %s, Retry-After %q; want 503 with Retry-After", resp.Status, resp.Header.Get("Retry-After"))
	}
	if got := status(t, base+"/readyz"); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz during the outage = %d, want 503", got)
	}
	if got := status(t, base+"/healthz"); got != http.StatusOK {
		t.Errorf("/healthz during the outage = %d, want 200 (the process is up)", got)
	}

	privateRedis(t, port) // an empty Redis on the same address
	deadline := time.Now().Add(15 * time.Second)
	for status(t, base+"/readyz") != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("/readyz did not recover within 15 s of Redis coming back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if resp := postObs(t, base, o2); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("after the outage: %s", resp.Status)
	}
	var fc featureCollection
	getJSON(t, base+"/api/v1/aircraft", &fc)
	if len(fc.Features) != 1 || fmt.Sprint(fc.Features[0].ID) != "ae5678" {
		t.Errorf("after recovery aircraft = %v, want the one posted after (the new Redis is empty)", fc.Features)
	}
}
