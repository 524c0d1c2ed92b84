package memory

import (
	"context"
	"sync"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/fanout"
)

var _ store.Bus = (*Bus)(nil)

// Bus delivers events to the subscribers of this process. Each subscriber
// has its own bounded queue; Publish never waits for a slow one.
type Bus struct {
	size int
	mu   sync.Mutex
	subs map[*fanout.Queue]struct{}
}

// NewBus returns a bus whose subscribers buffer fanout.DefaultSize (4096)
// events each.
func NewBus() *Bus { return NewBusSize(fanout.DefaultSize) }

// NewBusSize returns a bus whose subscribers buffer size events each
// (4096 when size <= 0).
func NewBusSize(size int) *Bus {
	return &Bus{size: size, subs: make(map[*fanout.Queue]struct{})}
}

// Publish queues e for every current subscriber. It fails only when ctx
// is done.
func (b *Bus) Publish(ctx context.Context, e store.Event) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	for q := range b.subs {
		q.Push(e)
	}
	b.mu.Unlock()
	return nil
}

// Subscribe returns a channel of the events published from now on; the
// bus closes it when ctx is done.
func (b *Bus) Subscribe(ctx context.Context) (<-chan store.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	q := fanout.New(ctx, b.size)
	b.mu.Lock()
	b.subs[q] = struct{}{}
	b.mu.Unlock()
	go func() {
		<-q.Done()
		b.mu.Lock()
		delete(b.subs, q)
		b.mu.Unlock()
	}()
	return q.C(), nil
}
