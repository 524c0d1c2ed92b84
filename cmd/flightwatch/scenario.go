package main

import (
	"sync"
	"time"

	"github.com/flightwatch/flightwatch/demo"
	"github.com/flightwatch/flightwatch/server"
)

// demoClock is the demo's scenario clock: the demo sets it when a pass
// begins, /api/v1/meta reads it.
var demoClock scenarioClock

type scenarioClock struct {
	mu sync.Mutex
	sc server.Scenario
}

func (c *scenarioClock) setPass(pass int, start time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sc = server.Scenario{Pass: pass, PassStart: start.UTC(), Start: demo.Start, Speed: demo.Speed}
}

func (c *scenarioClock) get() server.Scenario {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sc
}
