package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// target is one server under load and what was measured on it.
type target struct {
	name  string
	base  string
	token string
	pid   int
	http  *http.Client

	sent, accepted, postErrs atomic.Int64
	mu                       sync.Mutex
	postLat, getLat          []time.Duration
	getFeatures              []int
	view                     viewStats
	proc                     procWatch
}

// ingest posts NDJSON batches of batch observations at rate observations
// per second in total, shared by writers goroutines, until ctx is done.
// A writer waits for its answer before its next batch, so writers bounds
// the posts in flight; a target that answers slowly gets less than rate.
func (t *target) ingest(ctx context.Context, fl *fleet, rate, batch, writers int) {
	var wg sync.WaitGroup
	perWriter := float64(rate) / float64(writers)
	every := time.Duration(float64(time.Second) * float64(batch) / perWriter)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(seed uint64) {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, 3))
			next := time.Now().Add(time.Duration(rng.Int64N(int64(every) + 1)))
			var body bytes.Buffer
			var line []byte
			for {
				if d := time.Until(next); d > 0 {
					select {
					case <-ctx.Done():
						return
					case <-time.After(d):
					}
				} else if ctx.Err() != nil {
					return
				}
				// a writer that fell behind does not burst to catch up
				// by more than one batch
				next = maxTime(next.Add(every), time.Now().Add(-every))
				body.Reset()
				now := time.Now()
				for i := 0; i < batch; i++ {
					o := fl.at(rng.IntN(len(fl.hex)), now, now)
					line = o.AppendJSON(line[:0])
					body.Write(line)
					body.WriteByte('\n')
				}
				t.post(ctx, body.Bytes(), batch)
			}
		}(uint64(w + 1))
	}
	wg.Wait()
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (t *target) post(ctx context.Context, body []byte, n int) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base+"/api/v1/positions", bytes.NewReader(body))
	if err != nil {
		t.postErrs.Add(1)
		return
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	if t.token != "" {
		req.Header.Set("Authorization", "Bearer "+t.token)
	}
	t0 := time.Now()
	resp, err := t.http.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			t.postErrs.Add(1)
		}
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	t.sent.Add(int64(n))
	if resp.StatusCode == http.StatusAccepted {
		t.accepted.Add(int64(n))
	} else {
		t.postErrs.Add(1)
	}
	t.mu.Lock()
	t.postLat = append(t.postLat, time.Since(t0))
	t.mu.Unlock()
}

// query times GET /api/v1/aircraft for bbox every interval until ctx is
// done, counting the features of each answer.
func (t *target) query(ctx context.Context, bbox string, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.base+"/api/v1/aircraft?bbox="+bbox, nil)
		if err != nil {
			return
		}
		t0 := time.Now()
		resp, err := t.http.Do(req)
		if err != nil {
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		d := time.Since(t0)
		if resp.StatusCode != http.StatusOK {
			continue
		}
		t.mu.Lock()
		t.getLat = append(t.getLat, d)
		t.getFeatures = append(t.getFeatures, bytes.Count(body, []byte(`"type":"Feature"`)))
		t.mu.Unlock()
	}
}

// watchProc samples the target's process every second until ctx is done.
func (t *target) watchProc(ctx context.Context) {
	if t.pid <= 0 {
		return
	}
	t.proc.sample(t.pid)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			t.proc.sample(t.pid)
			return
		case <-tick.C:
			t.proc.sample(t.pid)
		}
	}
}

func (t *target) String() string { return fmt.Sprintf("%s (%s)", t.name, t.base) }
