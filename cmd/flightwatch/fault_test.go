package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/notify"
)

// faultSeconds is how long each outage of the fault tests lasts:
// FLIGHTWATCH_FAULT_SECONDS, default 10.
func faultSeconds(t *testing.T) time.Duration {
	if s := os.Getenv("FLIGHTWATCH_FAULT_SECONDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			t.Fatalf("FLIGHTWATCH_FAULT_SECONDS=%q: want a number of seconds", s)
		}
		return time.Duration(n) * time.Second
	}
	return 10 * time.Second
}

// ownRedis is a redis-server of the test's own, persisting to an
// append-only file in a temp dir, so that a stop and start keeps its data.
type ownRedis struct {
	t    *testing.T
	bin  string
	port int
	dir  string
	cmd  *exec.Cmd
}

func startOwnRedis(t *testing.T) *ownRedis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not installed: the fault tests stop and hang a Redis of their own")
	}
	r := &ownRedis{t: t, bin: bin, port: freePort(t), dir: t.TempDir()}
	r.start()
	t.Cleanup(func() {
		if r.cmd != nil {
			r.cmd.Process.Signal(syscall.SIGCONT)
			r.cmd.Process.Kill()
			r.cmd.Wait()
		}
	})
	return r
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (r *ownRedis) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", r.port) }

func (r *ownRedis) start() {
	r.t.Helper()
	r.cmd = exec.Command(r.bin, "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "yes", "--appendfsync", "everysec", "--dir", r.dir)
	if err := r.cmd.Start(); err != nil {
		r.t.Fatal(err)
	}
	for range 200 {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", r.port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	r.t.Fatal("redis-server did not start")
}

// stop ends Redis with SIGTERM: it writes its append-only file and exits.
func (r *ownRedis) stop() {
	r.cmd.Process.Signal(syscall.SIGTERM)
	r.cmd.Wait()
	r.cmd = nil
}

func (r *ownRedis) signal(sig syscall.Signal) { r.cmd.Process.Signal(sig) }

// hookReceiver is a webhook endpoint recording the delivery ids it got,
// answering 500 while failing is set.
type hookReceiver struct {
	mu      sync.Mutex
	ids     map[string]int    // delivery id -> POSTs accepted
	tried   map[string]int    // delivery id -> POSTs, failed ones included
	types   map[string]string // delivery id -> alert type
	posts   int
	failing atomic.Bool
}

func newHookReceiver() *hookReceiver {
	return &hookReceiver{ids: map[string]int{}, tried: map[string]int{}, types: map[string]string{}}
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.posts++
	h.tried[r.Header.Get(notify.HeaderDelivery)]++
	if h.failing.Load() || r.Header.Get(notify.HeaderSignature) != notify.Sign("hook-secret", body) {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	var f struct {
		Properties struct {
			Type string `json:"type"`
		} `json:"properties"`
	}
	json.Unmarshal(body, &f)
	id := r.Header.Get(notify.HeaderDelivery)
	h.ids[id]++
	h.types[id] = f.Properties.Type
}

func (h *hookReceiver) got(id string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.ids[id]
}

// faultClient posts like a feeder: a batch is sent again after a 503 or
// an error until it is acknowledged.
type faultClient struct {
	base string
	hc   *http.Client

	mu       sync.Mutex
	acked    map[string][]time.Time // hex -> acknowledged fix times
	ackObs   int
	n503     int
	errs     int
	maxLat   time.Duration // slowest answer
	first503 time.Time
	last503  time.Time
	lastErr  string
}

func newFaultClient(base string) *faultClient {
	return &faultClient{base: base, hc: &http.Client{Timeout: 30 * time.Second}, acked: map[string][]time.Time{}}
}

// send posts obs until acknowledged or ctx is done.
func (c *faultClient) send(ctx context.Context, obs []flight.Observation) bool {
	var body bytes.Buffer
	for i := range obs {
		body.Write(obs[i].AppendJSON(nil))
		body.WriteByte('\n')
	}
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/api/v1/positions", bytes.NewReader(body.Bytes()))
		req.Header.Set("Content-Type", "application/x-ndjson")
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		resp, err := c.hc.Do(req)
		lat := time.Since(t0)
		c.mu.Lock()
		c.maxLat = max(c.maxLat, lat)
		if err != nil {
			c.errs++
			c.lastErr = err.Error()
			c.mu.Unlock()
			sleepFor(ctx, 200*time.Millisecond)
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusAccepted {
			var ans struct {
				Accepted int `json:"accepted"`
			}
			json.Unmarshal(b, &ans)
			if ans.Accepted == len(obs) {
				for i := range obs {
					c.acked[obs[i].Hex] = append(c.acked[obs[i].Hex], obs[i].Time)
				}
				c.ackObs += len(obs)
			} else {
				c.lastErr = "partial answer: " + string(b)
			}
			c.mu.Unlock()
			return true
		}
		if resp.StatusCode == http.StatusServiceUnavailable {
			now := time.Now()
			if c.first503.IsZero() {
				c.first503 = now
			}
			c.last503 = now
			c.n503++
		} else {
			c.errs++
			c.lastErr = resp.Status + " " + string(b)
		}
		c.mu.Unlock()
		sleepFor(ctx, 200*time.Millisecond)
	}
	return false
}

func sleepFor(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// splitFlight cuts a demo flight into its ground part before take-off,
// the take-off and climb, and the rest (with the landing).
func splitFlight(obs []flight.Observation) (ground, climb, rest []flight.Observation) {
	i := 0
	for i < len(obs) && obs[i].Has&flight.HasGround != 0 && obs[i].OnGround {
		i++
	}
	j := min(len(obs), i+(len(obs)-i)/2)
	return obs[:i], obs[i:j], obs[j:]
}

// alertWatcher records the alert ids a websocket client receives.
type alertWatcher struct {
	mu  sync.Mutex
	ids map[string]bool
}

func watchAlerts(t *testing.T, base string) *alertWatcher {
	t.Helper()
	w := &alertWatcher{ids: map[string]bool{}}
	url := "ws" + strings.TrimPrefix(base, "http") + "/api/v1/stream"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			ws, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
			if err != nil {
				sleepFor(ctx, 200*time.Millisecond)
				continue
			}
			stop := context.AfterFunc(ctx, func() { ws.Close() })
			ws.WriteMessage(websocket.TextMessage, []byte(`{"op":"subscribe","bbox":[-180,-90,180,90],"layers":["alerts"]}`))
			for {
				_, msg, err := ws.ReadMessage()
				if err != nil {
					break
				}
				var m struct {
					Type string `json:"type"`
					Data struct {
						ID any `json:"id"`
					} `json:"data"`
				}
				if json.Unmarshal(msg, &m) == nil && m.Type == "alert" {
					w.mu.Lock()
					w.ids[fmt.Sprint(m.Data.ID)] = true
					w.mu.Unlock()
				}
			}
			stop()
			ws.Close()
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	time.Sleep(300 * time.Millisecond)
	return w
}

func (w *alertWatcher) has(id string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ids[id]
}
