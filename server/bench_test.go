package server

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/server/export"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	"github.com/flightwatch/flightwatch/store/redis/pubsub"
	"github.com/flightwatch/flightwatch/stream"
)

// fleet returns n aircraft spread over the world, about a fifth of them
// over North America.
func fleet(n int) []flight.Aircraft {
	r := rand.New(rand.NewPCG(1, 2))
	now := time.Now().Add(-time.Minute).Truncate(time.Second)
	out := make([]flight.Aircraft, n)
	for i := range out {
		lat, lon := r.Float64()*140-70, r.Float64()*360-180
		if i%5 == 0 {
			lat, lon = 25+r.Float64()*20, -120+r.Float64()*50
		}
		out[i] = flight.Aircraft{Observation: flight.Observation{
			Hex: fmt.Sprintf("%06x", i+1), Time: now, Lat: lat, Lon: lon,
			AltFt: 35000, GSKt: 450, TrackDeg: 271.5, VRateFPM: 0, Has: flight.HasAlt | flight.HasGS | flight.HasTrack | flight.HasVRate | flight.HasGround,
			Callsign: fmt.Sprintf("TST%04d", i%10000), Type: "B738", Squawk: "1234"}, Phase: flight.PhaseCruise}
	}
	return out
}

func BenchmarkEncodeAircraft20k(b *testing.B) {
	set := aircraftSet(fleet(20000))
	buf := make([]byte, 0, 8<<20)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for i := range set.Len() {
			buf = set.AppendFeature(buf, i)
		}
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkGetAircraftContinental(b *testing.B) {
	ctx := context.Background()
	air := fleet(20000)
	run := func(b *testing.B, st store.Store, bus store.Bus) {
		if err := st.PutAircraft(ctx, air); err != nil {
			b.Fatal(err)
		}
		in := startServer(b, Config{}, st, bus)
		url := in.url + "/api/v1/aircraft?bbox=-130,20,-60,50"
		b.ReportAllocs()
		var n int64
		defer reportCPU(b, cpuTime())
		for b.Loop() {
			resp, err := http.Get(url)
			if err != nil {
				b.Fatal(err)
			}
			m, _ := drain(resp)
			n = m
		}
		b.SetBytes(n)
	}
	b.Run("memory", func(b *testing.B) { run(b, memory.New(store.Config{}), memory.NewBus()) })
	b.Run("redis", func(b *testing.B) {
		st, prefix := redisStore(b)
		run(b, st, pubsub.New(st.Client(), prefix+":events"))
	})
}

// usFleet returns n aircraft, three fifths of them inside the contiguous
// US box usBBox and the rest anywhere.
func usFleet(n int) []flight.Aircraft {
	r := rand.New(rand.NewPCG(3, 4))
	out := fleet(n)
	for i := range out {
		if i%5 < 3 {
			out[i].Lat, out[i].Lon = 25.5+r.Float64()*23, -124.5+r.Float64()*57
		}
	}
	return out
}

const usBBox = "-125,25,-67,49"

// BenchmarkGetAircraftUS GETs the contiguous US box (about 12,000 of
// 20,000 aircraft) on each store, a tenth of the fleet changing between
// GETs as under a live feed.
func BenchmarkGetAircraftUS(b *testing.B) {
	ctx := context.Background()
	run := func(b *testing.B, st store.Store, bus store.Bus) {
		air := usFleet(20000)
		if err := st.PutAircraft(ctx, air); err != nil {
			b.Fatal(err)
		}
		in := startServer(b, Config{}, st, bus)
		url := in.url + "/api/v1/aircraft?bbox=" + usBBox
		b.ReportAllocs()
		var n int64
		defer reportCPU(b, cpuTime())
		for i := 0; b.Loop(); i++ {
			b.StopTimer()
			part := air[(i%10)*2000 : (i%10+1)*2000]
			for j := range part {
				part[j].Time = part[j].Time.Add(time.Second)
				part[j].Lon += 0.0001
			}
			if err := st.PutAircraft(ctx, part); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			resp, err := http.Get(url)
			if err != nil {
				b.Fatal(err)
			}
			n, _ = drain(resp)
		}
		b.SetBytes(n)
	}
	b.Run("memory", func(b *testing.B) { run(b, memory.New(store.Config{}), memory.NewBus()) })
	b.Run("redis", func(b *testing.B) {
		st, prefix := redisStore(b)
		run(b, st, pubsub.New(st.Client(), prefix+":events"))
	})
}

// BenchmarkEncodeCells encodes the features of the res-5 cells over the
// contiguous US, uncached and through cellHeads.
func BenchmarkEncodeCells(b *testing.B) {
	var cells cellSet
	seen := map[uint64]bool{}
	for lat := 25.0; lat < 49; lat += 0.1 {
		for lon := -124.0; lon < -67; lon += 0.1 {
			if c := geo.Cell(lat, lon, 5); !seen[c] {
				seen[c] = true
				cells = append(cells, store.CellCount{Cell: c, Res: 5, Count: 20, Reports: 4, Sources: map[string]int{"a": 20}})
			}
		}
	}
	for _, bb := range []struct {
		name string
		set  export.Set
	}{{"uncached", cells}, {"heads", cachedCellSet{cells, new(cellHeads)}}} {
		b.Run(bb.name, func(b *testing.B) {
			buf := make([]byte, 0, 16<<20)
			b.ReportAllocs()
			for b.Loop() {
				buf = buf[:0]
				for i := range bb.set.Len() {
					buf = bb.set.AppendFeature(buf, i)
				}
			}
			b.ReportMetric(float64(len(cells)), "cells/op")
		})
	}
}

// BenchmarkGetCellsUS GETs a month of report counts over the whole US at
// resolution 5: 20,000 reports, or FLIGHTWATCH_BENCH_REPORTS.
func BenchmarkGetCellsUS(b *testing.B) {
	ctx := context.Background()
	total := 20000
	if n, err := strconv.Atoi(os.Getenv("FLIGHTWATCH_BENCH_REPORTS")); err == nil && n > 0 {
		total = n
	}
	month := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	run := func(b *testing.B, st store.Store, bus store.Bus) {
		rng := rand.New(rand.NewPCG(4, 4))
		rs := make([]flight.Report, 0, 1000)
		for i := range total {
			rs = append(rs, flight.Report{ID: fmt.Sprintf("m%d", i), Time: month.Add(time.Duration(rng.Int64N(int64(30 * 24 * time.Hour)))),
				Lat: 25 + rng.Float64()*24, Lon: -124 + rng.Float64()*57, Count: 1 + rng.IntN(9), Category: "unknown",
				Source: []string{"a", "b", "c"}[rng.IntN(3)]})
			if len(rs) == cap(rs) || i == total-1 {
				if _, err := st.AddReports(ctx, rs); err != nil {
					b.Fatal(err)
				}
				rs = rs[:0]
			}
		}
		in := startServer(b, Config{}, st, bus)
		url := in.url + "/api/v1/cells?layer=reports&res=5&bbox=-130,20,-60,55&since=2025-04-01T00:00:00Z&until=2025-05-01T00:00:00Z"
		b.ReportAllocs()
		var n int64
		defer reportCPU(b, cpuTime())
		for b.Loop() {
			resp, err := http.Get(url)
			if err != nil {
				b.Fatal(err)
			}
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("GET = %d", resp.StatusCode)
			}
			n, _ = drain(resp)
		}
		b.SetBytes(n)
	}
	b.Run("memory", func(b *testing.B) { run(b, memory.New(store.Config{}), memory.NewBus()) })
	b.Run("redis", func(b *testing.B) {
		st, prefix := redisStore(b)
		run(b, st, pubsub.New(st.Client(), prefix+":events"))
	})
}

func BenchmarkPostNDJSON(b *testing.B) {
	in := startServer(b, Config{}, nil, nil)
	const per = 1000
	now := time.Now().Add(-time.Minute)
	var sb strings.Builder
	for i := range per {
		sb.WriteString(obsLine(fmt.Sprintf("%06x", i+1), 30+float64(i%100)/10, -100+float64(i/100), now, `,"callsign":"TST1"`))
		sb.WriteByte('\n')
	}
	body := sb.String()
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		code, _, out := do(b, "POST", in.url+"/api/v1/positions", ingestToken, "application/x-ndjson", []byte(body))
		if code != http.StatusAccepted {
			b.Fatalf("POST = %d %s", code, out)
		}
	}
	b.ReportMetric(float64(b.N*per)/time.Since(start).Seconds(), "obs/s")
}

// BenchmarkWSFanout publishes batches of 1000 changed aircraft to 20
// world-wide websocket clients and waits until every client has them.
func BenchmarkWSFanout(b *testing.B) {
	const clients, per = 20, 1000
	in := startServer(b, Config{Stream: stream.Config{Batch: 10 * time.Millisecond, QueueBytes: 64 << 20}}, nil, nil)
	conns := make([]*websocket.Conn, clients)
	for i := range conns {
		conns[i] = dialWS(b, in, "")
		sendWS(b, conns[i], `{"op":"subscribe"}`)
		readMsg(b, conns[i])
	}
	air := fleet(per)
	ctx := context.Background()
	b.ReportAllocs()
	start := time.Now()
	for i := 0; b.Loop(); i++ {
		marker := fmt.Sprintf(`"id":"%06x"`, 0xf00000+i)
		for j := range air {
			air[j].Time = air[j].Time.Add(time.Second)
		}
		batch := append(air[:per:per], flight.Aircraft{Observation: flight.Observation{Hex: fmt.Sprintf("%06x", 0xf00000+i), Time: time.Now(), Lat: 1, Lon: 1}})
		if err := in.bus.Publish(ctx, store.Event{Kind: store.EventAircraft, Aircraft: batch}); err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		for _, c := range conns {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
					_, m, err := c.ReadMessage()
					if err != nil {
						b.Error(err)
						return
					}
					if strings.Contains(string(m), marker) {
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	b.ReportMetric(float64(b.N*per*clients)/time.Since(start).Seconds(), "features-delivered/s")
}

// cpuTime is the CPU time (user and system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the process's CPU time per op since start (server and
// client together), which a loaded machine skews less than ns/op.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
}

func drain(resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return io.Copy(io.Discard, resp.Body)
}
