package sbs

import (
	"context"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/feedtest"
	"github.com/flightwatch/flightwatch/flight"
)

// collector is a Sink that records what it receives.
type collector struct {
	mu  sync.Mutex
	obs []flight.Observation
	got chan struct{}
}

func newCollector() *collector { return &collector{got: make(chan struct{}, 1000)} }

func (c *collector) Ingest(_ context.Context, obs []flight.Observation) error {
	c.mu.Lock()
	c.obs = append(c.obs, obs...)
	c.mu.Unlock()
	c.got <- struct{}{}
	return nil
}

func (c *collector) waitFor(t *testing.T, n int) []flight.Observation {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		c.mu.Lock()
		out := append([]flight.Observation(nil), c.obs...)
		c.mu.Unlock()
		if len(out) >= n {
			return out
		}
		select {
		case <-c.got:
		case <-deadline:
			t.Fatalf("got %d observations, want %d: %+v", len(out), n, out)
		}
	}
}

type countStats struct {
	feedstats.Nop
	reconnects atomic.Int64
}

func (s *countStats) Reconnect() { s.reconnects.Add(1) }

func posLine(hex string, lat float64) string {
	return fmt.Sprintf("MSG,3,1,1,%s,1,,,,,,4500,,,%.5f,-106.38000,,,0,0,0,0\r\n", hex, lat)
}

// TestReconnect runs a fake receiver that sends lines, drops the
// connection in the middle of a line, accepts the reconnect and sends
// more: every complete line arrives and the cut line is not misread.
func TestReconnect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		// First connection: three lines, then half a line, then drop.
		c, err := ln.Accept()
		if err != nil {
			return
		}
		fmt.Fprint(c, posLine("a00001", 31.1), "\r\n", posLine("a00002", 31.2), posLine("a00003", 31.3))
		full := posLine("dddddd", 31.45678)
		fmt.Fprint(c, full[:len(full)-22])
		c.Close()
		// Second connection: two more lines, then stay open.
		c, err = ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		fmt.Fprint(c, posLine("a00004", 31.4), posLine("a00005", 31.5))
		buf := make([]byte, 1)
		c.Read(buf) // until the client closes
	}()

	st := &countStats{}
	f := New(Config{Address: ln.Addr().String(), Stats: st, FlushEvery: 10 * time.Millisecond})
	sink := newCollector()
	_, stop := feedtest.Start(t, f.Run, sink)

	obs := sink.waitFor(t, 5)
	if err := stop(); err != nil {
		t.Errorf("Run = %v, want nil after cancel", err)
	}
	got := map[string]bool{}
	for _, o := range obs {
		got[o.Hex] = true
		if o.Hex == "dddddd" {
			t.Errorf("the cut line was parsed: %+v", o)
		}
	}
	for i := 1; i <= 5; i++ {
		if hex := fmt.Sprintf("a0000%d", i); !got[hex] {
			t.Errorf("no observation of %s", hex)
		}
	}
	if len(obs) != 5 {
		t.Errorf("got %d observations, want 5", len(obs))
	}
	if st.reconnects.Load() < 1 {
		t.Errorf("reconnects = %d, want >= 1", st.reconnects.Load())
	}
}

// TestRunNoReceiver checks Run keeps retrying a refused address and
// returns nil once ctx is done.
func TestRunNoReceiver(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	f := New(Config{Address: addr})
	_, stop := feedtest.Start(t, f.Run, newCollector())
	if err := stop(); err != nil {
		t.Errorf("Run = %v, want nil", err)
	}
}
