package stream

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
)

// TestFormsEncodedOnUse checks that a tick encodes only the wire forms
// its clients use, and that a form no client used at the tick is encoded
// when a client replaying the batch needs it.
func TestFormsEncodedOnUse(t *testing.T) {
	h, clients := benchHub(t, 2, regional, formatDelta)
	fleet := benchFleet(200, rand.New(rand.NewPCG(7, 8)))
	// every aircraft inside the first client's viewport
	c := clients[0]
	c.mu.Lock()
	bbox := c.bbox
	c.mu.Unlock()
	for i := range fleet {
		fleet[i].Lon = bbox.Min[0] + float64(i%10)*0.1 + 0.05
		fleet[i].Lat = bbox.Min[1] + float64(i/10)*0.1 + 0.05
		h.pendAir[fleet[i].Hex] = fleet[i]
	}
	h.flush()
	h.histMu.RLock()
	b := h.hist[len(h.hist)-1]
	h.histMu.RUnlock()
	bd := b.body.Load()
	if bd == nil {
		t.Fatal("newest batch has no body")
	}
	if bd.delta.Load() == nil {
		t.Error("delta form not encoded, though delta clients were touched")
	}
	if bd.geo.Load() != nil {
		t.Error("GeoJSON form encoded with no GeoJSON client")
	}
	if n := drain(clients); n == 0 {
		t.Fatal("nothing queued for the delta clients")
	}

	// a GeoJSON client replaying the batch gets it encoded on demand
	g := &client{h: h, log: h.log, notify: make(chan struct{}, 1), done: make(chan struct{})}
	g.mu.Lock()
	g.subscribe(subscription{bbox: bbox, layers: map[string]bool{layerAircraft: true}}, h.epoch, b.offset-1)
	g.sendBatch(b, nil)
	g.mu.Unlock()
	if bd.geo.Load() == nil {
		t.Fatal("GeoJSON form not encoded for the replaying GeoJSON client")
	}
	g.qmu.Lock()
	queue := g.queue
	g.qmu.Unlock()
	if len(queue) != 1 {
		t.Fatalf("GeoJSON client queued %d messages, want 1 update", len(queue))
	}
	var frame []byte
	for _, p := range queue[0].parts {
		frame = append(frame, p...)
	}
	var m struct {
		Type string `json:"type"`
		Data struct {
			Features []struct {
				ID string `json:"id"`
			} `json:"features"`
		} `json:"data"`
	}
	if err := json.Unmarshal(frame, &m); err != nil {
		t.Fatalf("GeoJSON update %.200s: %v", frame, err)
	}
	if m.Type != "update" || len(m.Data.Features) != len(fleet) {
		t.Errorf("GeoJSON update: type %q with %d features, want update with %d", m.Type, len(m.Data.Features), len(fleet))
	}
}
