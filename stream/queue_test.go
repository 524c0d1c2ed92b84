package stream

import (
	"context"
	"fmt"
	"math"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// TestStreamSkipAhead streams large updates to a client that reads
// slowly: it is not closed, gets fewer updates than batches were made, and
// ends holding every aircraft at its latest position.
func TestStreamSkipAhead(t *testing.T) {
	in := startHub(t, Config{QueueBytes: 256 << 10, Batch: 10 * time.Millisecond,
		StallTimeout: time.Minute}) // a busy machine may starve the reader; skipping is under test, not stalls
	dialer := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(64 << 10)
		}
		return conn, err
	}}
	c, _, err := dialer.Dial(strings.Replace(in.url, "http://", "ws://", 1)+"/api/v1/stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sendWS(t, c, `{"op":"subscribe","bbox":[-130,20,-60,50]}`)

	type pos struct{ lon, lat float64 }
	picture := map[string]pos{}
	var updates, lastOffset uint64
	var epoch string
	apply := func(m wsMsg) {
		if m.Epoch != "" {
			if epoch != "" && m.Epoch != epoch {
				t.Fatalf("epoch changed from %s to %s", epoch, m.Epoch)
			}
			if m.Offset < lastOffset {
				t.Errorf("offset went back from %d to %d", lastOffset, m.Offset)
			}
			epoch, lastOffset = m.Epoch, m.Offset
		}
		switch {
		case m.Type == "snapshot" || m.Type == "update":
			if m.Type == "update" {
				updates++
			}
			for _, f := range featureCollection(t, m.Data).Features {
				p := f.Geometry.Bound().Min
				picture[fmt.Sprint(f.ID)] = pos{p[0], p[1]}
			}
		case m.Type == "remove":
			for _, id := range m.IDs {
				delete(picture, id)
			}
		default:
			t.Fatalf("unexpected message %+v", m)
		}
	}
	snap := readMsg(t, c)
	apply(snap)

	// the reader sleeps between reads; it tells the producer how far it got
	msgs := make(chan wsMsg, 1)
	readErr := make(chan error, 1)
	done := t.Context()
	go func() {
		for {
			time.Sleep(50 * time.Millisecond)
			_ = c.SetReadDeadline(time.Now().Add(60 * time.Second))
			var m wsMsg
			if err := c.ReadJSON(&m); err != nil {
				readErr <- err
				return
			}
			select {
			case msgs <- m:
			case <-done.Done():
				return
			}
		}
	}()

	const nAir, rounds = 800, 40
	ctx := t.Context()
	now := time.Now().Add(-time.Hour)
	removed := map[string]bool{}
	lastOff := func() uint64 { _, off := in.hub.Position(); return off }
	for r := 0; r < rounds; r++ {
		obs := make([]flight.Observation, 0, nAir)
		for i := 0; i < nAir; i++ {
			hx := fmt.Sprintf("b%05x", i)
			if removed[hx] {
				continue
			}
			// aircraft 0..49 fly out of the viewport in the last rounds
			lon := -120 + float64(i%50) + float64(r)/100
			if i < 50 && r >= rounds-5 {
				lon = 10
			}
			obs = append(obs, flight.Observation{Hex: hx, Time: now.Add(time.Duration(r) * time.Second),
				Lat: 25 + float64(i/50) + float64(r)/100, Lon: lon, Callsign: "SKIP", Has: flight.HasAlt, AltFt: 30000})
		}
		before := lastOff()
		if err := in.ingest(ctx, obs); err != nil {
			t.Fatal(err)
		}
		if r == rounds/2 {
			var gone []string
			for i := 100; i < 110; i++ {
				hx := fmt.Sprintf("b%05x", i)
				removed[hx] = true
				gone = append(gone, hx)
			}
			if err := in.bus.Publish(ctx, store.Event{Kind: store.EventRemove, Removed: gone}); err != nil {
				t.Fatal(err)
			}
		}
		// one batch per round
		for lastOff() == before {
			time.Sleep(time.Millisecond)
		}
	}
	produced := lastOff() - snap.Offset

	// the server's current state in the viewport
	list, err := in.st.AircraftIn(ctx, orb.Bound{Min: orb.Point{-130, 20}, Max: orb.Point{-60, 50}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]pos{}
	for _, a := range list {
		if !removed[a.Hex] {
			want[a.Hex] = pos{a.Lon, a.Lat}
		}
	}
	if len(want) != nAir-60 {
		t.Fatalf("server holds %d aircraft in view, want %d", len(want), nAir-60)
	}
	same := func() bool {
		if len(picture) != len(want) {
			return false
		}
		for hx, p := range picture {
			w, ok := want[hx]
			if !ok || math.Abs(w.lon-p.lon) > 1e-6 || math.Abs(w.lat-p.lat) > 1e-6 {
				return false
			}
		}
		return true
	}
	for !same() {
		select {
		case m := <-msgs:
			apply(m)
		case err := <-readErr:
			t.Fatalf("the slow reader ended after %d updates: %v (picture %d aircraft, want %d; %d closed as slow)",
				updates, err, len(picture), len(want), in.hub.SlowClosed())
		}
	}
	if n := in.hub.SlowClosed(); n != 0 {
		t.Errorf("%v clients closed as slow, want 0", n)
	}
	if updates >= produced {
		t.Errorf("client got %d updates for %d batches, want fewer (skipped ahead)", updates, produced)
	}
	t.Logf("%d batches produced, %d updates received, offset %d of %d", produced, updates, lastOffset, lastOff())
}

// TestStreamAlertOverflow floods alerts, which are never skipped, to a
// client that never reads: its queue overflows and it is closed as slow,
// while its stall timeout is far off.
func TestStreamAlertOverflow(t *testing.T) {
	in := startHub(t, Config{QueueBytes: 64 << 10, Batch: 5 * time.Millisecond, StallTimeout: time.Hour})
	dialer := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(64 << 10)
		}
		return conn, err
	}}
	c, _, err := dialer.Dial(strings.Replace(in.url, "http://", "ws://", 1)+"/api/v1/stream", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sendWS(t, c, `{"op":"subscribe","layers":["alerts"]}`)
	active := func() bool {
		cl := in.hub.clientList()
		if len(cl) == 0 {
			return false
		}
		cl[0].mu.Lock()
		defer cl[0].mu.Unlock()
		return cl[0].active
	}
	for !active() {
		time.Sleep(time.Millisecond)
	}
	dropped := func() int64 {
		return in.hub.SlowClosed()
	}
	now := time.Now().Add(-time.Hour)
	for i := 0; dropped() == 0 && i < 200000; i++ {
		a := flight.Alert{ID: fmt.Sprintf("a%d", i), Type: flight.AlertEmergency, Time: now, Hex: "ae0001",
			Message: strings.Repeat("squawk 7700 ", 20), Lat: 10, Lon: 10}
		if err := in.bus.Publish(t.Context(), store.Event{Kind: store.EventAlert, Alert: &a}); err != nil {
			t.Fatal(err)
		}
		if i%100 == 99 {
			time.Sleep(time.Millisecond)
		}
	}
	if n := dropped(); n != 1 {
		t.Fatalf("%v clients closed as slow, want 1", n)
	}
	var rerr error
	for rerr == nil {
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, _, rerr = c.ReadMessage()
	}
	var ne net.Error
	if errorsAs(rerr, &ne) && ne.Timeout() {
		t.Errorf("client still open: %v", rerr)
	}
}
