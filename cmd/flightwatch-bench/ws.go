package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// viewStats is what the websocket viewers of one target saw.
type viewStats struct {
	connected, closed, dialErrs atomic.Int64
	frames, bytes               atomic.Int64
	snapshots                   atomic.Int64

	mu          sync.Mutex
	hops        []time.Duration // POST to frame, per decoded feature update
	decFrames   int64           // decoded aircraft update frames
	decBytes    int64           // their bytes
	decFeatures int64           // feature updates they held
	maxGap      time.Duration
	gapsOver1s  int64
	closeCodes  map[string]int
}

// viewerOpts configures the viewers of a run.
type viewerOpts struct {
	n           int
	w, h        float64 // viewport size in degrees; 0: the whole world
	format      string  // "" (GeoJSON) or "delta"
	deflate     bool
	decodeEvery int
}

// view holds n websocket viewports on t until ctx is done.
func (t *target) viewers(ctx context.Context, o viewerOpts, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 5))
	wsURL := "ws" + strings.TrimPrefix(t.base, "http") + "/api/v1/stream"
	dialer := &websocket.Dialer{HandshakeTimeout: 30 * time.Second, EnableCompression: o.deflate,
		ReadBufferSize: 64 << 10}
	var wg sync.WaitGroup
	for i := 0; i < o.n; i++ {
		box := [4]float64{-180, -90, 180, 90}
		if o.w > 0 {
			box = viewport(rng, o.w, o.h)
		}
		decode := o.decodeEvery > 0 && i%o.decodeEvery == 0
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.viewer(ctx, dialer, wsURL, box, o.format, decode)
		}()
		// spread the connects so the server is not hit by all at once
		if i%50 == 49 {
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	wg.Wait()
}

func (t *target) viewer(ctx context.Context, d *websocket.Dialer, url string, box [4]float64, format string, decode bool) {
	v := &t.view
	c, _, err := d.DialContext(ctx, url, http.Header{})
	if err != nil {
		if ctx.Err() == nil {
			v.dialErrs.Add(1)
		}
		return
	}
	v.connected.Add(1)
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	defer c.Close()
	sub := fmt.Sprintf(`{"op":"subscribe","bbox":[%g,%g,%g,%g],"layers":["aircraft"]`, box[0], box[1], box[2], box[3])
	if format != "" {
		sub += `,"format":"` + format + `"`
	}
	if err := c.WriteMessage(websocket.TextMessage, []byte(sub+"}")); err != nil {
		return
	}
	var last time.Time
	var hops []time.Duration
	var maxGap time.Duration
	var over, decFrames, decBytes, decFeatures int64
	defer func() {
		v.mu.Lock()
		v.hops = append(v.hops, hops...)
		v.decFrames += decFrames
		v.decBytes += decBytes
		v.decFeatures += decFeatures
		v.maxGap = max(v.maxGap, maxGap)
		v.gapsOver1s += over
		v.mu.Unlock()
	}()
	var buf []byte
	for {
		_, r, err := c.NextReader()
		if err != nil {
			if ctx.Err() == nil {
				v.closed.Add(1)
				v.mu.Lock()
				if v.closeCodes == nil {
					v.closeCodes = map[string]int{}
				}
				v.closeCodes[closeReason(err)]++
				v.mu.Unlock()
			}
			return
		}
		now := time.Now()
		var n int64
		if decode {
			buf, err = appendAll(buf[:0], r)
			n = int64(len(buf))
		} else {
			n, err = io.Copy(io.Discard, r)
		}
		if err != nil {
			continue
		}
		v.frames.Add(1)
		v.bytes.Add(n)
		if !last.IsZero() {
			if g := now.Sub(last); g > maxGap {
				maxGap = g
			}
			if now.Sub(last) > time.Second {
				over++
			}
		}
		if decode {
			kind, feats := decodeFrame(buf, now, &hops)
			if kind == "snapshot" {
				v.snapshots.Add(1)
			} else if kind == "update" {
				decFrames++
				decBytes += n
				decFeatures += int64(feats)
			}
		}
		last = now
	}
}

func appendAll(b []byte, r io.Reader) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func closeReason(err error) string {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return fmt.Sprintf("%d %s", ce.Code, ce.Text)
	}
	return "connection lost"
}

// frame is the part of a server message the viewers read: GeoJSON
// collections in data.features, or delta items in data.
type frame struct {
	Type  string          `json:"type"`
	Layer string          `json:"layer"`
	Data  json.RawMessage `json:"data"`
}

type geoData struct {
	Features []struct {
		Properties struct {
			Callsign string `json:"callsign"`
		} `json:"properties"`
	} `json:"features"`
}

type deltaItem struct {
	Callsign string `json:"callsign"`
}

// decodeFrame reads one message; for aircraft updates it appends the hop
// of every stamped feature and returns how many features it held.
func decodeFrame(b []byte, now time.Time, hops *[]time.Duration) (string, int) {
	var f frame
	if json.Unmarshal(b, &f) != nil || f.Layer != "aircraft" {
		return "", 0
	}
	if f.Type != "update" {
		return f.Type, 0
	}
	var calls []string
	if len(f.Data) > 0 && f.Data[0] == '[' {
		var items []deltaItem
		if json.Unmarshal(f.Data, &items) != nil {
			return "", 0
		}
		for _, it := range items {
			calls = append(calls, it.Callsign)
		}
	} else {
		var g geoData
		if json.Unmarshal(f.Data, &g) != nil {
			return "", 0
		}
		for _, ft := range g.Features {
			calls = append(calls, ft.Properties.Callsign)
		}
	}
	for _, cs := range calls {
		if sent, ok := unstamp(cs); ok {
			*hops = append(*hops, now.Sub(sent))
		}
	}
	return f.Type, len(calls)
}
