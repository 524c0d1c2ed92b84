package feedtest

import (
	"context"
	"sync"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/sink"
	"github.com/flightwatch/flightwatch/flight"
)

// Collector is a sink.Sink that keeps everything it receives, for tests and
// tools. It is safe for concurrent use; the zero value is ready. Fail, when
// set, makes Ingest return its error instead.
type Collector struct {
	mu   sync.Mutex
	obs  []flight.Observation
	fail error
	wake chan struct{}
}

var _ sink.Sink = (*Collector)(nil)

// SetFail makes Ingest fail with err (nil: succeed again).
func (c *Collector) SetFail(err error) {
	c.mu.Lock()
	c.fail = err
	c.mu.Unlock()
}

// Ingest keeps obs.
func (c *Collector) Ingest(_ context.Context, obs []flight.Observation) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fail != nil {
		return c.fail
	}
	c.obs = append(c.obs, obs...)
	if c.wake != nil {
		close(c.wake)
		c.wake = nil
	}
	return nil
}

// All returns a copy of what was received.
func (c *Collector) All() []flight.Observation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]flight.Observation(nil), c.obs...)
}

// Wait blocks until at least n observations arrived or timeout passed,
// and returns what arrived.
func (c *Collector) Wait(n int, timeout time.Duration) []flight.Observation {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		if len(c.obs) >= n {
			out := append([]flight.Observation(nil), c.obs...)
			c.mu.Unlock()
			return out
		}
		if c.wake == nil {
			c.wake = make(chan struct{})
		}
		wake := c.wake
		c.mu.Unlock()
		select {
		case <-wake:
		case <-deadline.C:
			return c.All()
		}
	}
}
