package feedtest

import (
	"sync"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
)

// Counts is a feedstats.Stats that keeps every count in memory, for tests and
// tools. It is safe for concurrent use; the zero value is ready.
type Counts struct {
	mu           sync.Mutex
	messages     int
	observations int
	rejects      map[string]int
	reconnects   int
	connected    bool
	lastErr      error
}

var _ feedstats.Stats = (*Counts)(nil)

// Messages adds n messages.
func (c *Counts) Messages(n int) { c.mu.Lock(); c.messages += n; c.mu.Unlock() }

// Observations adds n observations.
func (c *Counts) Observations(n int) { c.mu.Lock(); c.observations += n; c.mu.Unlock() }

// Reconnect adds one reconnection.
func (c *Counts) Reconnect() { c.mu.Lock(); c.reconnects++; c.mu.Unlock() }

// Connected records the connection state.
func (c *Counts) Connected(ok bool) { c.mu.Lock(); c.connected = ok; c.mu.Unlock() }

// Error keeps err when it is not nil.
func (c *Counts) Error(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.lastErr = err
	}
}

// Reject adds n rejects for reason.
func (c *Counts) Reject(reason string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rejects == nil {
		c.rejects = map[string]int{}
	}
	c.rejects[reason] += n
}

// Snapshot is a copy of the counts.
type Snapshot struct {
	Messages, Observations, Reconnects int
	Rejects                            map[string]int
	Connected                          bool
	LastError                          error // the latest non-nil error
}

// Snapshot returns a copy of the counts.
func (c *Counts) Snapshot() Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := make(map[string]int, len(c.rejects))
	for k, v := range c.rejects {
		r[k] = v
	}
	return Snapshot{Messages: c.messages, Observations: c.observations, Reconnects: c.reconnects,
		Rejects: r, Connected: c.connected, LastError: c.lastErr}
}
