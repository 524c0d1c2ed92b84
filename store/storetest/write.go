package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

func testWrite(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := plane("ae0001", 30, -100, t0)
	b := store.Batch{
		Aircraft: []flight.Aircraft{a},
		Track:    []flight.TrackPoint{a.Point()},
		Legs:     []flight.Leg{{ID: "ae0001-1", Hex: "ae0001", Status: flight.LegAirborne, FirstSeen: t0, LastSeen: t0}},
		Alerts: []flight.Alert{
			{ID: "0000000000000001", Key: "ae0001-1/departed", Type: flight.AlertDeparted, Time: t0, Hex: "ae0001"},
			{ID: "0000000000000002", Key: "ae0001-1/landed", Type: flight.AlertLanded, Time: t0, Hex: "ae0001"},
		},
	}
	added, err := s.Write(ctx, &b)
	if err != nil || len(added) != 2 {
		t.Fatalf("Write = %d added, %v; want 2", len(added), err)
	}
	if added[0].ID != "0000000000000001" {
		t.Errorf("added[0].ID = %q, want the given id", added[0].ID)
	}
	again, err := s.Write(ctx, &b)
	if err != nil || len(again) != 0 {
		t.Errorf("Write again = %d added, %v; want none (same keys)", len(again), err)
	}
	if got, err := s.Aircraft(ctx, "ae0001"); err != nil || !got.Time.Equal(t0) {
		t.Errorf("Aircraft = %v, %v", got.Time, err)
	}
	pts, _ := s.Track(ctx, "ae0001", time.Time{}, time.Time{})
	legs, _ := s.Legs(ctx, store.LegQuery{})
	as, _ := s.Alerts(ctx, store.AlertQuery{})
	if len(pts) != 1 || len(legs) != 1 || len(as) != 2 {
		t.Errorf("after two writes: %d points, %d legs, %d alerts; want 1, 1, 2", len(pts), len(legs), len(as))
	}
	if _, err := s.Write(ctx, &store.Batch{}); err != nil {
		t.Errorf("Write(empty) = %v", err)
	}
}

func testTrackKeyed(t *testing.T, s store.Store) {
	ctx := context.Background()
	pa, la := plane("ae0002", 30, -100, t0), plane("ae0002", 30.1, -100, t0.Add(-time.Minute))
	p := pa.Point()
	q := p
	q.AltFt, q.Has = 5000, q.Has|flight.HasAlt // same time, other data: replaces
	late := la.Point()
	for _, pts := range [][]flight.TrackPoint{{p}, {p}, {q}, {late}, {late}} {
		if _, err := s.Write(ctx, &store.Batch{Track: pts}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Track(ctx, "ae0002", time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !got[0].Time.Equal(late.Time) || got[1].AltFt != q.AltFt {
		t.Errorf("Track = %+v, want the late point then the replaced one", got)
	}
}

func testOutbox(t *testing.T, s store.Store) {
	ob, ok := s.(store.Outbox)
	if !ok {
		t.Skip("store has no outbox")
	}
	ctx := context.Background()
	if _, err := ob.Pending(ctx, "g", 1); err != nil { // creates the group
		t.Fatal(err)
	}
	for i, key := range []string{"k1", "k2", "k3"} {
		a := flight.Alert{ID: "000000000000000" + string(rune('1'+i)), Key: key, Type: flight.AlertDeparted, Time: t0}
		if _, err := s.Write(ctx, &store.Batch{Alerts: []flight.Alert{a}}); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := ob.Next(ctx, "g", "c1", 2, 0)
	if err != nil || len(ds) != 2 || ds[0].Alert.Key != "k1" || ds[0].Count != 1 {
		t.Fatalf("Next = %+v, %v; want k1, k2", ds, err)
	}
	if err := ob.Ack(ctx, "g", ds[0].ID); err != nil {
		t.Fatal(err)
	}
	rest, err := ob.Next(ctx, "g", "c1", 10, 50*time.Millisecond)
	if err != nil || len(rest) != 1 || rest[0].Alert.Key != "k3" {
		t.Fatalf("Next = %+v, %v; want k3", rest, err)
	}
	none, err := ob.Next(ctx, "g", "c1", 10, 50*time.Millisecond)
	if err != nil || len(none) != 0 {
		t.Fatalf("Next at the end = %+v, %v; want none after the wait", none, err)
	}
	pend, err := ob.Pending(ctx, "g", 10)
	if err != nil || len(pend) != 2 || pend[0].ID != ds[1].ID || pend[0].Consumer != "c1" {
		t.Fatalf("Pending = %+v, %v; want k2 and k3 of c1", pend, err)
	}
	if got, _ := ob.Claim(ctx, "g", "c2", time.Hour, ds[1].ID); len(got) != 0 {
		t.Errorf("Claim before idle = %+v, want none", got)
	}
	time.Sleep(20 * time.Millisecond)
	got, err := ob.Claim(ctx, "g", "c2", 10*time.Millisecond, ds[1].ID)
	if err != nil || len(got) != 1 || got[0].Alert.Key != "k2" || got[0].Count != 2 {
		t.Fatalf("Claim = %+v, %v; want k2, handed out twice", got, err)
	}
	// Another group sees everything from its creation on, independently.
	if _, err := ob.Pending(ctx, "h", 1); err != nil {
		t.Fatal(err)
	}
	if ds, _ := ob.Next(ctx, "h", "c1", 10, 0); len(ds) != 0 {
		t.Errorf("new group got %d old alerts, want none", len(ds))
	}
	f := store.Failure{ID: got[0].ID, Alert: got[0].Alert, Attempts: 2, Error: "status 500", First: t0, Last: t0}
	if err := ob.Fail(ctx, "g", f); err != nil {
		t.Fatal(err)
	}
	fs, err := ob.Failed(ctx, "g")
	if err != nil || len(fs) != 1 || fs[0].Alert.Key != "k2" || fs[0].Attempts != 2 {
		t.Fatalf("Failed = %+v, %v", fs, err)
	}
	if err := ob.Unfail(ctx, "g", f.ID); err != nil {
		t.Fatal(err)
	}
	if err := ob.Unfail(ctx, "g", f.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Unfail twice = %v, want ErrNotFound", err)
	}
}
