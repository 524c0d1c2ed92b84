package stream

import (
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
)

// benchFleet is n aircraft, 60% over the contiguous US and 40% over
// Europe.
func benchFleet(n int, rng *rand.Rand) []flight.Aircraft {
	out := make([]flight.Aircraft, n)
	for i := range out {
		lon, lat := -125+rng.Float64()*58, 25+rng.Float64()*24
		if i%5 >= 3 {
			lon, lat = -10+rng.Float64()*40, 36+rng.Float64()*24
		}
		out[i] = flight.Aircraft{Observation: flight.Observation{Hex: fmt.Sprintf("%06x", 0x100000+i),
			Time: time.Unix(1_800_000_000, 0), Lat: lat, Lon: lon, AltFt: 35000, GSKt: 450, TrackDeg: 90,
			Callsign: fmt.Sprintf("TST%d", i), Has: flight.HasAlt | flight.HasGS | flight.HasTrack}}
	}
	return out
}

// benchHub is a hub with n subscribed clients whose queues are drained
// after each tick, as writers that keep up would.
func benchHub(b testing.TB, n int, viewport func(rng *rand.Rand) orb.Bound, format string) (*Hub, []*client) {
	h, err := New(Config{QueueBytes: 64 << 20}, Deps{Bus: memory.NewBus(), Source: memory.New(store.Config{}),
		Privacy: testPrivacy{}, Encoder: testEncoder{}})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	clients := make([]*client, n)
	for i := range clients {
		c := &client{h: h, log: h.log, notify: make(chan struct{}, 1), done: make(chan struct{})}
		h.add(c)
		c.mu.Lock()
		c.subscribe(subscription{bbox: viewport(rng), layers: map[string]bool{layerAircraft: true}, format: format}, h.epoch, 0)
		c.mu.Unlock()
		clients[i] = c
	}
	return h, clients
}

func regional(rng *rand.Rand) orb.Bound {
	lon, lat := -125+rng.Float64()*46, 25+rng.Float64()*16
	if rng.IntN(5) >= 3 {
		lon, lat = -10+rng.Float64()*28, 36+rng.Float64()*16
	}
	return orb.Bound{Min: orb.Point{lon, lat}, Max: orb.Point{lon + 12, lat + 8}}
}

func world(*rand.Rand) orb.Bound {
	return orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
}

// drain empties the clients' queues and returns the bytes they held.
func drain(clients []*client) (bytes int) {
	for _, c := range clients {
		c.qmu.Lock()
		bytes += c.qbytes
		c.queue, c.qbytes, c.qair, c.fixed = c.queue[:0], 0, 0, 0
		c.qmu.Unlock()
	}
	return bytes
}

// BenchmarkHubTick times one tick: perTick aircraft of a 20,000 fleet
// move, and the batch is delivered to the clients (built and queued).
func BenchmarkHubTick(b *testing.B) {
	cases := []struct {
		name     string
		clients  int
		perTick  int
		viewport func(*rand.Rand) orb.Bound
		format   string
	}{
		{"1000_regional_7500_changes", 1000, 7500, regional, ""},
		{"1000_regional_7500_changes_delta", 1000, 7500, regional, formatDelta},
		// the same 30k obs/s at a 100 ms tick
		{"1000_regional_3000_changes_delta", 1000, 3000, regional, formatDelta},
		{"200_world_1250_changes", 200, 1250, world, ""},
		{"200_world_1250_changes_delta", 200, 1250, world, formatDelta},
		{"200_world_500_changes_delta", 200, 500, world, formatDelta},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			h, clients := benchHub(b, tc.clients, tc.viewport, tc.format)
			rng := rand.New(rand.NewPCG(3, 4))
			fleet := benchFleet(20000, rng)
			step := 0
			tick := func() {
				step++
				for range tc.perTick {
					a := &fleet[rng.IntN(len(fleet))]
					a.Lon += 0.01
					if a.Lon > 179 {
						a.Lon = -179
					}
					a.Lat += 0.005 * (rng.Float64() - 0.5)
					a.Time = a.Time.Add(time.Second)
					h.pendAir[a.Hex] = *a
				}
				h.flush()
			}
			// every aircraft known to the hub, as in a steady stream
			for i := range fleet {
				h.pendAir[fleet[i].Hex] = fleet[i]
			}
			h.flush()
			drain(clients)
			var bytes, ticks int
			cpu0 := cpuTime()
			b.ReportAllocs()
			for b.Loop() {
				tick()
				bytes += drain(clients)
				ticks++
			}
			b.ReportMetric(float64(bytes)/float64(ticks), "bytes/tick")
			// CPU time, unlike wall time, holds on a machine shared with others
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(time.Millisecond)/float64(ticks), "cpu-ms/tick")
		})
	}
}

// BenchmarkDeltaEncode times the delta item of one aircraft change.
func BenchmarkDeltaEncode(b *testing.B) {
	fleet := benchFleet(1000, rand.New(rand.NewPCG(5, 6)))
	next := make([]flight.Aircraft, len(fleet))
	for i := range fleet {
		next[i] = fleet[i]
		next[i].Lon += 0.01
		next[i].AltFt += 100
		next[i].Time = next[i].Time.Add(time.Second)
	}
	buf := make([]byte, 0, 256)
	var n int
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		buf = appendDelta(buf[:0], &next[i], &fleet[i])
		n += len(buf)
		i = (i + 1) % len(fleet)
	}
	b.ReportMetric(float64(n)/float64(b.N), "bytes/item")
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
