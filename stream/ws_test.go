package stream

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

func TestStreamSnapshotUpdateRemoveAlert(t *testing.T) {
	in := startHub(t, Config{})
	now := time.Now().Add(-time.Minute)
	postObs(t, in, obsLine("ae0001", 31.85, -106.38, now), obsLine("ae0002", 51.5, -0.1, now))

	c := dialWS(t, in, "")
	sendWS(t, c, `{"op":"subscribe","bbox":[-130,20,-60,50],"layers":["aircraft","alerts"]}`)
	snap := readMsg(t, c)
	if snap.Type != "snapshot" || snap.Layer != "aircraft" || snap.Epoch == "" {
		t.Fatalf("first message %+v, want an aircraft snapshot with an epoch", snap)
	}
	if got := ids(featureCollection(t, snap.Data)); !slices.Equal(got, []string{"ae0001"}) {
		t.Fatalf("snapshot ids = %v, want [ae0001]", got)
	}

	// an update inside the viewport; one outside is not sent
	postObs(t, in, obsLine("ae0002", 51.6, -0.2, now.Add(time.Second)), obsLine("ae0003", 40.7, -74.0, now))
	// (ae0001 may come again in the batch that was pending at the snapshot)
	up := readUntil(t, c, "update", func(m wsMsg) bool {
		got := ids(featureCollection(t, m.Data))
		if slices.Contains(got, "ae0002") {
			t.Errorf("update %v holds ae0002, outside the viewport", got)
		}
		return m.Type == "update" && slices.Contains(got, "ae0003")
	})
	if up.Offset <= snap.Offset || up.Epoch != snap.Epoch {
		t.Errorf("update epoch/offset %s/%d after snapshot %s/%d", up.Epoch, up.Offset, snap.Epoch, snap.Offset)
	}

	// ae0001 leaves the viewport: a remove
	postObs(t, in, obsLine("ae0001", 10, 10, now.Add(2*time.Second)))
	rm := readUntil(t, c, "remove", func(m wsMsg) bool { return m.Type == "remove" })
	if !slices.Equal(rm.IDs, []string{"ae0001"}) || rm.Layer != "aircraft" {
		t.Errorf("remove %+v, want ae0001", rm)
	}

	// ae0003 is no longer tracked: a remove
	if err := in.bus.Publish(t.Context(), store.Event{Kind: store.EventRemove, Removed: []string{"ae0003", "ae0002"}}); err != nil {
		t.Fatal(err)
	}
	rm = readUntil(t, c, "remove", func(m wsMsg) bool { return m.Type == "remove" })
	if !slices.Equal(rm.IDs, []string{"ae0003"}) {
		t.Errorf("remove %+v, want only ae0003 (ae0002 was never in view)", rm.IDs)
	}

	alert := flight.Alert{ID: "a1", Type: flight.AlertEmergency, Time: now, Hex: "ae0001", Message: "squawk 7700", Lat: 10, Lon: 10}
	if err := in.bus.Publish(t.Context(), store.Event{Kind: store.EventAlert, Alert: &alert}); err != nil {
		t.Fatal(err)
	}
	am := readUntil(t, c, "alert", func(m wsMsg) bool { return m.Type == "alert" })
	var f struct {
		ID         string         `json:"id"`
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(am.Data, &f); err != nil || f.ID != "a1" || f.Properties["type"] != "emergency" {
		t.Errorf("alert data %s (%v)", am.Data, err)
	}
}

func TestStreamBadMessages(t *testing.T) {
	in := startHub(t, Config{})
	c := dialWS(t, in, "")
	for _, bad := range []string{`garbage`, `{"op":"dance"}`, `{"op":"subscribe","bbox":[1,2]}`,
		`{"op":"subscribe","layers":["nope"]}`, `{"op":"subscribe","bbox":[0,50,10,40]}`} {
		sendWS(t, c, bad)
		if m := readMsg(t, c); m.Type != "error" || m.Error == "" {
			t.Errorf("answer to %s = %+v, want an error", bad, m)
		}
	}
	// the connection stays open and usable
	sendWS(t, c, `{"op":"subscribe"}`)
	if m := readMsg(t, c); m.Type != "snapshot" {
		t.Errorf("after bad messages got %+v, want a snapshot", m)
	}
	// too many bad messages in a row close it
	for range maxBadMessages {
		sendWS(t, c, `{`)
	}
	var err error
	for err == nil {
		_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
		_, _, err = c.ReadMessage()
	}
	if !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
		t.Errorf("after %d bad messages: %v, want close 1008", maxBadMessages, err)
	}
	// an oversized message closes with 1009
	c2 := dialWS(t, in, "")
	_ = c2.WriteMessage(websocket.TextMessage, []byte(strings.Repeat("x", maxInMessage+1)))
	_ = c2.SetReadDeadline(time.Now().Add(20 * time.Second))
	if _, _, err := c2.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Errorf("oversized message: %v, want close 1009", err)
	}
}

func TestStreamOrigin(t *testing.T) {
	in := startHub(t, Config{})
	u := strings.Replace(in.url, "http://", "ws://", 1) + "/api/v1/stream"
	_, resp, err := websocket.DefaultDialer.Dial(u, map[string][]string{"Origin": {"https://evil.example"}})
	if err == nil || resp == nil || resp.StatusCode != 403 {
		t.Errorf("foreign origin: %v %v, want 403", err, resp)
	}
	c, _, err := websocket.DefaultDialer.Dial(u, map[string][]string{"Origin": {in.url}})
	if err != nil {
		t.Errorf("same origin: %v", err)
	} else {
		c.Close()
	}
}

// TestStreamSlowClient floods a client that never reads: it is closed,
// while a client that reads keeps receiving. (Its aircraft updates are
// skipped ahead, so it is closed as stalled, after a shortened timeout.)
func TestStreamSlowClient(t *testing.T) {
	in := startHub(t, Config{QueueBytes: 1 << 20, Batch: 5 * time.Millisecond, StallTimeout: time.Second})
	dialer := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(64 << 10)
		}
		return conn, err
	}}
	u := strings.Replace(in.url, "http://", "ws://", 1) + "/api/v1/stream"
	slow, _, err := dialer.Dial(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	fast := dialWS(t, in, "")
	for _, c := range []*websocket.Conn{slow, fast} {
		sendWS(t, c, `{"op":"subscribe"}`)
	}
	if m := readMsg(t, fast); m.Type != "snapshot" {
		t.Fatalf("fast client first got %+v", m)
	}
	var got atomic.Int64
	lastSeen := make(chan struct{})
	go func() {
		for {
			_ = fast.SetReadDeadline(time.Now().Add(60 * time.Second))
			_, b, err := fast.ReadMessage()
			if err != nil {
				return
			}
			got.Add(1)
			if strings.Contains(string(b), `"id":"ffffff"`) {
				close(lastSeen)
				return
			}
		}
	}()
	ctx := t.Context()
	now := time.Now().Add(-time.Hour)
	dropped := func() int64 {
		return in.hub.SlowClosed()
	}
	for i := 0; dropped() == 0 && i < 10000; i++ {
		obs := make([]flight.Observation, 20)
		for j := range obs {
			obs[j] = flight.Observation{Hex: fmt.Sprintf("%06x", i*20+j), Time: now.Add(time.Duration(i) * time.Second),
				Lat: 30 + float64(j)/10, Lon: -100, Callsign: "FLOOD", Has: flight.HasAlt, AltFt: 30000}
		}
		if err := in.ingest(ctx, obs); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // let ticks pass so that batches are many
	}
	if dropped() == 0 {
		t.Fatal("the slow client was never closed")
	}
	if err := in.ingest(ctx, []flight.Observation{{Hex: "ffffff", Time: time.Now(), Lat: 1, Lon: 1}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-lastSeen:
	case <-time.After(60 * time.Second):
		t.Fatalf("the fast client stalled after %d messages", got.Load())
	}
	if n := dropped(); n != 1 {
		t.Errorf("%v clients dropped as slow, want 1", n)
	}
	// the slow client reads what was buffered, then finds the connection closed
	var rerr error
	for n := 0; rerr == nil; n++ {
		_ = slow.SetReadDeadline(time.Now().Add(30 * time.Second))
		_, _, rerr = slow.ReadMessage()
	}
	t.Logf("slow client ended with: %v", rerr)
	var ne net.Error
	if ok := errorsAs(rerr, &ne); ok && ne.Timeout() {
		t.Errorf("slow client still open: %v", rerr)
	}
}

func TestStreamResume(t *testing.T) {
	in := startHub(t, Config{History: 5})
	now := time.Now().Add(-time.Hour)
	c := dialWS(t, in, "")
	sendWS(t, c, `{"op":"subscribe","bbox":[-130,20,-60,50]}`)
	snap := readMsg(t, c)
	postObs(t, in, obsLine("ae0001", 31.85, -106.38, now))
	up := readUntil(t, c, "update", func(m wsMsg) bool { return m.Type == "update" })
	c.Close()

	// two batches missed: one inside the viewport, one outside
	waitOffset := func(want uint64) {
		for i := 0; i < 2000; i++ {
			if _, off := in.hub.Position(); off >= want {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("hub never reached offset %d", want)
	}
	postObs(t, in, obsLine("ae0002", 40.7, -74.0, now))
	waitOffset(up.Offset + 1)
	postObs(t, in, obsLine("ae0003", 51.5, -0.1, now))
	waitOffset(up.Offset + 2)

	c2 := dialWS(t, in, "")
	sendWS(t, c2, fmt.Sprintf(`{"op":"subscribe","bbox":[-130,20,-60,50],"resume":{"epoch":%q,"offset":%d}}`, up.Epoch, up.Offset))
	m := readMsg(t, c2)
	if m.Type != "resumed" || m.Missed != 2 {
		t.Fatalf("resume answer %+v, want resumed with 2 missed", m)
	}
	m = readMsg(t, c2)
	if m.Type != "update" || m.Offset != up.Offset+1 {
		t.Fatalf("replayed %+v, want update at offset %d", m, up.Offset+1)
	}
	if got := ids(featureCollection(t, m.Data)); !slices.Equal(got, []string{"ae0002"}) {
		t.Errorf("replayed ids %v, want [ae0002]", got)
	}

	// too old or another epoch: a fresh snapshot
	for i := 0; i < 6; i++ {
		postObs(t, in, obsLine("ae0004", 40, -80, now.Add(time.Duration(i)*time.Second)))
		waitOffset(up.Offset + 3 + uint64(i))
	}
	for _, resume := range []string{
		fmt.Sprintf(`{"epoch":%q,"offset":%d}`, up.Epoch, up.Offset),
		fmt.Sprintf(`{"epoch":"other","offset":%d}`, snap.Offset),
	} {
		c3 := dialWS(t, in, "")
		sendWS(t, c3, `{"op":"subscribe","bbox":[-130,20,-60,50],"resume":`+resume+`}`)
		m := readMsg(t, c3)
		if m.Type != "snapshot" {
			t.Errorf("resume %s: %+v, want snapshot", resume, m)
			continue
		}
		got := ids(featureCollection(t, m.Data))
		slices.Sort(got)
		if !slices.Equal(got, []string{"ae0001", "ae0002", "ae0004"}) {
			t.Errorf("snapshot ids %v", got)
		}
	}
}

func TestStreamReportsAndCells(t *testing.T) {
	in := startHub(t, Config{CellRes: 5})
	pub := dialWS(t, in, "")
	raw := dialWS(t, in, "?token="+rawToken)
	for _, c := range []*websocket.Conn{pub, raw} {
		sendWS(t, c, `{"op":"subscribe","bbox":[-80,35,-70,45],"layers":["reports"]}`)
		if m := readMsg(t, c); m.Type != "snapshot" || m.Layer != "cells" {
			t.Fatalf("first message %+v, want cells snapshot", m)
		}
	}
	at := time.Date(2025, 1, 20, 10, 0, 0, 0, time.UTC)
	in.addReports(t, []flight.Report{
		{ID: "r1", Time: at, Lat: 40.73, Lon: -74.17, Count: 2},
		{ID: "r2", Time: at, Lat: 40.731, Lon: -74.171, Count: 2},
		{ID: "r3", Time: at, Lat: 34.05, Lon: -118.24, Count: 9},
	})
	m := readUntil(t, raw, "reports", func(m wsMsg) bool { return m.Layer == "reports" })
	if got := ids(featureCollection(t, m.Data)); !slices.Equal(got, []string{"r1", "r2"}) {
		t.Errorf("raw reports %v, want [r1 r2]", got)
	}
	m = readUntil(t, pub, "cells", func(m wsMsg) bool {
		if m.Layer == "reports" {
			t.Fatalf("public client got raw reports")
		}
		return m.Layer == "cells"
	})
	fc := featureCollection(t, m.Data)
	if len(fc.Features) != 1 || fc.Features[0].Properties["count"] != 4.0 {
		t.Errorf("cells update %s, want one cell counting 4", m.Data)
	}
}

// TestStreamResumeCompacted resumes from batches old enough to have lost
// their encodings: the client gets the latest state of the aircraft they
// changed inside its viewport and a remove for those that left it.
func TestStreamResumeCompacted(t *testing.T) {
	in := startHub(t, Config{})
	in.hub.histMu.Lock()
	in.hub.fullKeep = 1 // only the newest batch keeps its body
	in.hub.histMu.Unlock()
	now := time.Now().Add(-time.Hour)
	c := dialWS(t, in, "")
	sendWS(t, c, `{"op":"subscribe","bbox":[-130,20,-60,50],"format":"delta"}`)
	readMsg(t, c) // snapshot
	postObs(t, in, obsLine("ae0001", 31.85, -106.38, now))
	up := readUntil(t, c, "update", func(m wsMsg) bool { return m.Type == "update" })
	c.Close()

	waitOffset := func(want uint64) {
		for i := 0; i < 2000; i++ {
			if _, off := in.hub.Position(); off >= want {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("hub never reached offset %d", want)
	}
	steps := []flight.Observation{
		obsLine("ae0002", 40.7, -74.0, now),                  // inside
		obsLine("ae0003", 51.5, -0.1, now),                   // outside, never seen
		obsLine("ae0001", 10, 10, now.Add(time.Second)),      // leaves the viewport
		obsLine("ae0002", 40.8, -74.1, now.Add(time.Second)), // moves inside
		obsLine("ae0005", 35, -100, now.Add(2*time.Second)),  // new, inside
	}
	for i, o := range steps {
		postObs(t, in, o)
		waitOffset(up.Offset + 1 + uint64(i))
	}
	in.hub.histMu.RLock()
	var compacted int
	for _, b := range in.hub.hist {
		if b.body.Load() == nil {
			compacted++
		}
	}
	in.hub.histMu.RUnlock()
	if compacted < len(steps)-1 {
		t.Fatalf("%d batches compacted, want at least %d", compacted, len(steps)-1)
	}

	c2 := dialWS(t, in, "")
	sendWS(t, c2, fmt.Sprintf(`{"op":"subscribe","bbox":[-130,20,-60,50],"format":"delta","resume":{"epoch":%q,"offset":%d}}`, up.Epoch, up.Offset))
	m := readMsg(t, c2)
	if m.Type != "resumed" || m.Missed != len(steps) {
		t.Fatalf("resume answer %+v, want resumed with %d missed", m, len(steps))
	}
	var got, removed []string
	last := up.Offset + uint64(len(steps))
	for len(got) < 2 || len(removed) < 1 {
		m := readMsg(t, c2)
		switch m.Type {
		case "update":
			var items []struct {
				ID   string `json:"id"`
				Full int    `json:"f"`
			}
			if err := json.Unmarshal(m.Data, &items); err != nil {
				t.Fatalf("update data %s: %v", m.Data, err)
			}
			for _, it := range items {
				if it.Full != 1 {
					t.Errorf("item %s is not full after a resume from compacted batches", it.ID)
				}
				got = append(got, it.ID)
			}
		case "remove":
			removed = append(removed, m.IDs...)
		default:
			t.Fatalf("got %+v, want an update or a remove", m)
		}
		if m.Offset != last {
			t.Errorf("%s at offset %d, want %d (the newest batch)", m.Type, m.Offset, last)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"ae0002", "ae0005"}) || !slices.Equal(removed, []string{"ae0001"}) {
		t.Errorf("resumed with %v and removes %v, want [ae0002 ae0005] and [ae0001]", got, removed)
	}
}
