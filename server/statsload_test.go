package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
)

// TestStatsLoad measures GET /api/v1/stats over many legs on both stores,
// and what a stored leg costs. It runs only when FLIGHTWATCH_STATS_LOAD
// gives the number of legs (e.g. 1000000); FLIGHTWATCH_STATS_LINE gives
// points per leg line (default 0). Figures are logged, never asserted.
func TestStatsLoad(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("FLIGHTWATCH_STATS_LOAD"))
	if n <= 0 {
		t.Skip("set FLIGHTWATCH_STATS_LOAD=<legs> to measure stats over a large history")
	}
	linePts, _ := strconv.Atoi(os.Getenv("FLIGHTWATCH_STATS_LINE"))
	backends := map[string]func(t *testing.T) store.Store{
		"memory": func(*testing.T) store.Store { return memory.New(store.Config{}) },
		"redis": func(t *testing.T) store.Store {
			st, _ := redisStore(t)
			return st
		},
	}
	for _, name := range []string{"memory", "redis"} {
		if only := os.Getenv("FLIGHTWATCH_STATS_STORE"); only != "" && only != name {
			continue
		}
		t.Run(name, func(t *testing.T) {
			st := backends[name](t)
			before := memFigures(t, st)
			start := time.Now()
			loadLegs(t, st, n, linePts)
			load := time.Since(start)
			after := memFigures(t, st)
			t.Logf("%s: loaded %d legs (%d line points each) in %v (%.0f legs/s)", name, n, linePts, load.Round(time.Millisecond), float64(n)/load.Seconds())
			for k, v := range after {
				t.Logf("%s: %s %d → %d bytes: %.0f bytes per leg", name, k, before[k], v, float64(v-before[k])/float64(n))
			}
			h := httptest.NewServer(mustServer(t, st).Handler())
			defer h.Close()
			for _, q := range []string{"period=week&by=country&since=2023-01-02T00:00:00Z&until=2025-01-06T00:00:00Z",
				"period=month&by=airport&since=2023-01-01T00:00:00Z&until=2025-01-01T00:00:00Z",
				"period=week&by=class"} {
				var times []time.Duration
				for range 30 {
					t0 := time.Now()
					resp, err := http.Get(h.URL + "/api/v1/stats?" + q)
					if err != nil {
						t.Fatal(err)
					}
					var sb strings.Builder
					_, _ = fmt.Fprint(&sb, resp.Status)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						t.Fatalf("GET stats?%s = %s", q, sb.String())
					}
					times = append(times, time.Since(t0))
				}
				slices.Sort(times)
				t.Logf("%s: GET /api/v1/stats?%s p50 %v p95 %v", name, q, times[len(times)/2].Round(10*time.Microsecond),
					times[len(times)*95/100].Round(10*time.Microsecond))
			}
		})
	}
}

func mustServer(t *testing.T, st store.Store) *Server {
	bus := memory.NewBus()
	s, err := New(Config{Tokens: testTokens()}, Deps{Store: st, Bus: bus, Ingest: &testIngester{st: st, bus: bus}})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// loadLegs stores n landed legs of watched aircraft over two years to 40
// destinations in 12 countries, in batches as the pipeline writes them.
func loadLegs(t *testing.T, st store.Store, n, linePts int) {
	ctx := context.Background()
	dests := []string{"MGGT", "MHTG", "MSLP", "SKBO", "MMMX", "MMGL", "MDSD", "MROC", "MNMG", "SEQM", "SPJC", "MPTO",
		"KELP", "KSAT", "KIAH", "KMIA", "KLRD", "KBRO", "KHRL", "KAEX"}
	origins := []string{"KBIF", "KDMA", "KNKX", "KELP", "KAEX", "KHRL", "KMIA", "KIAH"}
	classes := []flight.Class{flight.ClassRemoval, flight.ClassDomestic, flight.ClassReturn}
	from := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	span := 2 * 365 * 24 * time.Hour
	type legsPutter interface {
		PutLegs(ctx context.Context, legs []flight.Leg) error
	}
	h, _ := st.(store.History)
	const batch = 1000
	legs := make([]flight.Leg, 0, batch)
	var lines []store.LegPoints
	flush := func() {
		if lp, ok := st.(legsPutter); ok {
			if err := lp.PutLegs(ctx, legs); err != nil {
				t.Fatal(err)
			}
		} else {
			for _, l := range legs {
				if err := st.PutLeg(ctx, l); err != nil {
					t.Fatal(err)
				}
			}
		}
		if len(lines) > 0 {
			if err := h.AppendLegLine(ctx, lines); err != nil {
				t.Fatal(err)
			}
		}
		legs, lines = legs[:0], lines[:0]
	}
	for i := range n {
		at := from.Add(time.Duration(int64(i) * int64(span) / int64(n)))
		hex := fmt.Sprintf("a%05x", i%50000)
		l := flight.Leg{ID: hex + "-" + strconv.FormatInt(at.Unix(), 10), Hex: hex, Callsign: "RCH" + strconv.Itoa(100+i%900),
			Status: flight.LegLanded, Origin: origins[i%len(origins)], ActualDestination: dests[(i*7)%len(dests)],
			Departed: at, Arrived: at.Add(3 * time.Hour), FirstSeen: at.Add(-20 * time.Minute), LastSeen: at.Add(3*time.Hour + 10*time.Minute),
			LastLat: 14.58, LastLon: -90.53, Watch: "removals", Tags: []string{"military"}, Class: classes[i%len(classes)]}
		legs = append(legs, l)
		if linePts > 0 {
			pts := make([]flight.TrackPoint, linePts)
			for k := range pts {
				pts[k] = flight.TrackPoint{Hex: hex, Time: at.Add(time.Duration(k) * 5 * time.Second), Lat: 31 - float64(k)*0.01,
					Lon: -106 + float64(k)*0.01, AltFt: 30000, Has: flight.HasAlt}
			}
			lines = append(lines, store.LegPoints{Leg: l.ID, Points: pts,
				Seen: []store.SourceSeen{{Source: "adsbx", First: at, Last: at.Add(3 * time.Hour), Positions: linePts}}})
		}
		if len(legs) == batch {
			flush()
		}
	}
	if len(legs) > 0 {
		flush()
	}
}

// memFigures reads the process heap and RSS, and Redis used_memory when
// st is a Redis store.
func memFigures(t *testing.T, st store.Store) map[string]int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	out := map[string]int64{"go heap in use": int64(ms.HeapInuse)}
	if b, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "VmRSS:") {
				kb, _ := strconv.ParseInt(strings.Fields(line)[1], 10, 64)
				out["process RSS"] = kb * 1024
			}
		}
	}
	if used, ok := redisUsedMemory(st); ok {
		out["redis used_memory"] = used
	}
	return out
}
