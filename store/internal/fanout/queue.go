package fanout

import (
	"context"
	"sync"

	"github.com/flightwatch/flightwatch/store"
)

// DefaultSize is the queue length used when New is given a size <= 0.
const DefaultSize = 4096

// Queue buffers events for one subscriber.
type Queue struct {
	mu     sync.Mutex
	buf    []store.Event // ring of capacity size
	head   int           // index of the oldest event
	n      int           // events held
	lost   bool          // events were dropped since the last delivery
	closed bool
	wake   chan struct{} // capacity 1: something to deliver
	out    chan store.Event
	done   chan struct{}
}

// New starts a queue of size events (DefaultSize when <= 0) whose events
// are delivered on C until ctx is done; C is then closed by the queue.
func New(ctx context.Context, size int) *Queue {
	if size <= 0 {
		size = DefaultSize
	}
	q := &Queue{
		buf:  make([]store.Event, size),
		wake: make(chan struct{}, 1),
		out:  make(chan store.Event),
		done: make(chan struct{}),
	}
	go q.pump(ctx)
	return q
}

// C returns the channel events are delivered on; it is closed once the
// context given to New is done.
func (q *Queue) C() <-chan store.Event { return q.out }

// Done is closed when the queue has stopped delivering.
func (q *Queue) Done() <-chan struct{} { return q.done }

// Push adds e without blocking. When the queue is full the oldest event is
// dropped and a lost event will precede the next delivery. It reports false
// once the queue has stopped.
func (q *Queue) Push(e store.Event) bool {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return false
	}
	size := len(q.buf)
	if q.n == size {
		q.buf[q.head] = store.Event{}
		q.head = (q.head + 1) % size
		q.n--
		q.lost = true
	}
	q.buf[(q.head+q.n)%size] = e
	q.n++
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return true
}

// MarkLost makes the next delivery a lost event, for a source that knows
// it missed events (a dropped connection).
func (q *Queue) MarkLost() {
	q.mu.Lock()
	q.lost = true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// next takes the event to deliver next, if any.
func (q *Queue) next() (store.Event, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.lost {
		q.lost = false
		return store.Event{Kind: store.EventLost}, true
	}
	if q.n == 0 {
		return store.Event{}, false
	}
	e := q.buf[q.head]
	q.buf[q.head] = store.Event{}
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	return e, true
}

func (q *Queue) pump(ctx context.Context) {
	defer func() {
		q.mu.Lock()
		q.closed = true
		q.buf = nil
		q.n = 0
		q.mu.Unlock()
		close(q.out)
		close(q.done)
	}()
	for {
		e, ok := q.next()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-q.wake:
				continue
			}
		}
		select {
		case <-ctx.Done():
			return
		case q.out <- e:
		}
	}
}
