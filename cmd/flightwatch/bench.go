package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/flightwatch/flightwatch/flight"
)

// bench drives a running server: writers POST NDJSON batches of synthetic
// aircraft for a while, a reader times bbox queries, and websocket clients
// count the updates pushed to them. It prints throughput and latencies.
func bench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	base := fs.String("url", "http://127.0.0.1:8080", "server base URL")
	token := fs.String("token", "", "ingest bearer token")
	dur := fs.Duration("duration", 20*time.Second, "how long to run (bounded)")
	nAircraft := fs.Int("aircraft", 20000, "synthetic aircraft")
	batch := fs.Int("batch", 1000, "observations per POST")
	writers := fs.Int("writers", 4, "concurrent POSTing clients")
	wsClients := fs.Int("ws", 10, "websocket clients")
	bbox := fs.String("bbox", "-130,20,-60,55", "bbox for the query timings and websocket subscriptions")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dur > 10*time.Minute {
		return fmt.Errorf("bench: --duration at most 10m")
	}
	u, err := url.Parse(*base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("bench: bad --url %q", *base)
	}
	ctx, cancel := context.WithTimeout(ctx, *dur)
	defer cancel()

	var (
		sent, accepted, posts, postErrs atomic.Int64
		wsMsgs, wsBytes                 atomic.Int64
		mu                              sync.Mutex
		postLat, getLat                 []time.Duration
	)
	client := &http.Client{Timeout: 30 * time.Second}
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < *writers; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 7))
			var body bytes.Buffer
			var line []byte
			for ctx.Err() == nil {
				body.Reset()
				now := time.Now().UTC()
				for i := 0; i < *batch; i++ {
					o := synthetic(rng.IntN(*nAircraft), now, rng)
					line = o.AppendJSON(line[:0])
					body.Write(line)
					body.WriteByte('\n')
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, *base+"/api/v1/positions", bytes.NewReader(body.Bytes()))
				req.Header.Set("Content-Type", "application/x-ndjson")
				if *token != "" {
					req.Header.Set("Authorization", "Bearer "+*token)
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						postErrs.Add(1)
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				posts.Add(1)
				sent.Add(int64(*batch))
				if resp.StatusCode == http.StatusAccepted {
					accepted.Add(int64(*batch))
				} else {
					postErrs.Add(1)
				}
				mu.Lock()
				postLat = append(postLat, time.Since(t0))
				mu.Unlock()
			}
		}(uint64(w + 1))
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			t0 := time.Now()
			resp, err := client.Get(*base + "/api/v1/aircraft?bbox=" + *bbox)
			if err != nil {
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			mu.Lock()
			getLat = append(getLat, time.Since(t0))
			mu.Unlock()
		}
	}()
	wsURL := "ws" + strings.TrimPrefix(*base, "http") + "/api/v1/stream"
	box := "[" + *bbox + "]"
	for i := 0; i < *wsClients; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, _, err := websocket.DefaultDialer.DialContext(ctx, wsURL, nil)
			if err != nil {
				return
			}
			defer c.Close()
			go func() { <-ctx.Done(); c.Close() }()
			c.WriteMessage(websocket.TextMessage, []byte(`{"op":"subscribe","bbox":`+box+`,"layers":["aircraft"]}`))
			for {
				_, msg, err := c.ReadMessage()
				if err != nil {
					return
				}
				wsMsgs.Add(1)
				wsBytes.Add(int64(len(msg)))
			}
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	fmt.Printf("duration            %.1fs\n", secs)
	fmt.Printf("observations sent   %d (%.0f/s), accepted %d, failed posts %d\n",
		sent.Load(), float64(sent.Load())/secs, accepted.Load(), postErrs.Load())
	fmt.Printf("POST latency        %s (batch %d, %d writers)\n", quantiles(postLat), *batch, *writers)
	fmt.Printf("GET bbox latency    %s\n", quantiles(getLat))
	fmt.Printf("websocket           %d clients, %d messages (%.0f/s), %.1f MB\n",
		*wsClients, wsMsgs.Load(), float64(wsMsgs.Load())/secs, float64(wsBytes.Load())/1e6)
	return nil
}

// synthetic returns aircraft i's observation at now: each flies a circle
// over North America, so bbox queries and viewports see a steady load.
func synthetic(i int, now time.Time, rng *rand.Rand) flight.Observation {
	lat0 := 20 + float64(i%35)
	lon0 := -125 + float64((i/35)%60)
	ang := float64(now.UnixMilli()%3600000)/3600000*2*math.Pi + float64(i)
	o := flight.Observation{
		Hex: fmt.Sprintf("%06x", 0x100000+i), Time: now,
		Lat: lat0 + 0.5*math.Sin(ang), Lon: lon0 + 0.5*math.Cos(ang),
		AltFt: float64(10000 + rng.IntN(30000)), GSKt: 420, TrackDeg: math.Mod(ang*180/math.Pi+90, 360),
		Callsign: fmt.Sprintf("TST%d", i), Source: "bench",
		Has: flight.HasAlt | flight.HasGS | flight.HasTrack,
	}
	return o
}

func quantiles(d []time.Duration) string {
	if len(d) == 0 {
		return "no samples"
	}
	slices.Sort(d)
	q := func(p float64) time.Duration { return d[int(p*float64(len(d)-1))].Round(10 * time.Microsecond) }
	return fmt.Sprintf("p50 %s  p90 %s  p99 %s  (n=%d)", q(0.5), q(0.9), q(0.99), len(d))
}
