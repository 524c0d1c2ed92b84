package fanout

import (
	"context"
	"strconv"
	"testing"

	"github.com/flightwatch/flightwatch/store"
)

func ev(i int) store.Event { return store.Event{Kind: store.EventPlans, Source: strconv.Itoa(i)} }

func TestQueue(t *testing.T) {
	tests := []struct {
		name   string
		size   int
		push   int
		marked bool
		want   []string // sources, "lost" for a lost event
	}{
		{"within the buffer", 4, 3, false, []string{"0", "1", "2"}},
		{"marked lost", 4, 2, true, []string{"lost", "0", "1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			q := New(ctx, tc.size)
			if tc.marked {
				q.MarkLost()
			}
			for i := range tc.push {
				if !q.Push(ev(i)) {
					t.Fatalf("Push(%d) = false on a running queue", i)
				}
			}
			for i, want := range tc.want {
				e := <-q.C()
				got := e.Source
				if e.Kind == store.EventLost {
					got = "lost"
				}
				if got != want {
					t.Fatalf("event %d = %s, want %s", i, got, want)
				}
			}
		})
	}
}

func TestQueueStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	q := New(ctx, 0)
	cancel()
	<-q.Done()
	if _, ok := <-q.C(); ok {
		t.Error("C() still open after the context ended")
	}
	if q.Push(ev(1)) {
		t.Error("Push() = true after the queue stopped")
	}
}
