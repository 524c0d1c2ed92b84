package memory

import (
	"context"
	"strconv"
	"testing"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return New(storetest.Config()) })
}

func TestBusContract(t *testing.T) {
	storetest.RunBus(t, func(t *testing.T) store.Bus { return NewBus() })
}

// TestBusSlowSubscriber checks that a subscriber that does not read loses
// the oldest events, is told so with a lost event, and then receives the
// newest events in order, while Publish never blocks.
func TestBusSlowSubscriber(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b := NewBusSize(8)
	slow, err := b.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const n = 100
	for i := range n {
		if err := b.Publish(ctx, store.Event{Kind: store.EventRemove, Removed: []string{string(rune('a' + i%26))}, Source: strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	// A marker after everything: once it arrives, the queue is drained.
	if err := b.Publish(ctx, store.Event{Kind: store.EventPlans}); err != nil {
		t.Fatal(err)
	}
	var got []store.Event
	for e := range slow {
		got = append(got, e)
		if e.Kind == store.EventPlans {
			break
		}
	}
	lost := -1
	for i, e := range got {
		if e.Kind == store.EventLost {
			lost = i
		}
	}
	if lost < 0 {
		t.Fatalf("slow subscriber got %d events and no lost event", len(got))
	}
	if len(got) > 8+3 {
		t.Errorf("slow subscriber got %d events, want at most the buffer (8) plus the lost event and one in hand", len(got))
	}
	after := got[lost+1 : len(got)-1]
	for i := 1; i < len(after); i++ {
		prev, _ := strconv.Atoi(after[i-1].Source)
		cur, _ := strconv.Atoi(after[i].Source)
		if cur <= prev {
			t.Errorf("events after the loss out of order: %q then %q", after[i-1].Source, after[i].Source)
		}
	}
	if len(after) == 0 || after[len(after)-1].Source != strconv.Itoa(n-1) {
		t.Errorf("last event before the marker = %+v, want the newest (%d)", after, n-1)
	}
}

func TestHistoryContract(t *testing.T) {
	storetest.RunHistory(t, func(t *testing.T) store.Store { return New(storetest.HistoryConfig()) })
}
