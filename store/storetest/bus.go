package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// RunBus runs the bus contract against buses made by factory, a fresh bus
// per subtest. Two buses from one factory call are not assumed to be
// connected.
func RunBus(t *testing.T, factory func(t *testing.T) store.Bus) {
	t.Run("FanOutInOrder", func(t *testing.T) { testFanOut(t, factory(t)) })
	t.Run("CloseOnCancel", func(t *testing.T) { testCloseOnCancel(t, factory(t)) })
	t.Run("EventRoundTrip", func(t *testing.T) { testEventRoundTrip(t, factory(t)) })
}

func testFanOut(t *testing.T, b store.Bus) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	subs := make([]<-chan store.Event, 3)
	for i := range subs {
		ch, err := b.Subscribe(ctx)
		if err != nil {
			t.Fatalf("Subscribe() = %v", err)
		}
		subs[i] = ch
	}
	const n = 100
	for i := range n {
		if err := b.Publish(ctx, store.Event{Kind: store.EventRemove, Removed: []string{fmt.Sprint(i)}}); err != nil {
			t.Fatalf("Publish(%d) = %v", i, err)
		}
	}
	for si, ch := range subs {
		for i := range n {
			e, ok := <-ch
			if !ok {
				t.Fatalf("subscriber %d: channel closed after %d events", si, i)
			}
			if e.Kind != store.EventRemove || len(e.Removed) != 1 || e.Removed[0] != fmt.Sprint(i) {
				t.Fatalf("subscriber %d: event %d = %+v, want removal of %d", si, i, e, i)
			}
		}
	}
}

func testCloseOnCancel(t *testing.T, b store.Bus) {
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := b.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keep, err := b.Subscribe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	for range ch {
		// Drain until the bus closes the channel.
	}
	// The bus still serves the other subscriber.
	if err := b.Publish(context.Background(), store.Event{Kind: store.EventPlans}); err != nil {
		t.Fatal(err)
	}
	if e := <-keep; e.Kind != store.EventPlans {
		t.Errorf("remaining subscriber got %+v, want a plans event", e)
	}
}

func testEventRoundTrip(t *testing.T, b store.Bus) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch, err := b.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a := plane("a70001", 40.5, -73.25, t0)
	a.Callsign, a.Tags, a.Watch = "RCH1", []string{"military"}, "w"
	al := alert("k", flight.AlertEmergency, "a70001", t0)
	al.ID = "1-0"
	in := []store.Event{
		{Kind: store.EventAircraft, Aircraft: []flight.Aircraft{a}, Source: "inst-1"},
		{Kind: store.EventAlert, Alert: &al},
		{Kind: store.EventReports, Reports: []flight.Report{report("r", t0, 1, 2, 3, "s")}},
	}
	for _, e := range in {
		if err := b.Publish(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	got := <-ch
	if got.Kind != store.EventAircraft || got.Source != "inst-1" || len(got.Aircraft) != 1 ||
		got.Aircraft[0].Hex != "a70001" || got.Aircraft[0].Callsign != "RCH1" || got.Aircraft[0].Watch != "w" ||
		!got.Aircraft[0].Time.Equal(t0) || got.Aircraft[0].Lat != 40.5 {
		t.Errorf("aircraft event = %+v, want %+v", got, in[0])
	}
	got = <-ch
	if got.Kind != store.EventAlert || got.Alert == nil || got.Alert.Key != "k" || got.Alert.ID != "1-0" {
		t.Errorf("alert event = %+v, want %+v", got, in[1])
	}
	got = <-ch
	if got.Kind != store.EventReports || len(got.Reports) != 1 || got.Reports[0].ID != "r" || got.Reports[0].Count != 3 {
		t.Errorf("reports event = %+v, want %+v", got, in[2])
	}
}
