package pubsub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/internal/fanout"
	"github.com/flightwatch/flightwatch/store/redis/internal/codec"
	"github.com/flightwatch/flightwatch/store/redis/internal/rediserr"
)

var _ store.Bus = (*Bus)(nil)

// Bus carries events between instances over one Redis PUBLISH/SUBSCRIBE
// channel, in the binary form of codec.AppendEvent (JSON events are still read).
// Each subscriber has its own Redis subscription and its
// own bounded queue; a subscriber whose connection drops is sent a lost
// event, and its subscription is renewed by go-redis.
type Bus struct {
	client  goredis.UniversalClient
	channel string
	size    int
	log     *slog.Logger
}

// New returns a bus on client's Redis using channel. Subscribers buffer
// fanout.DefaultSize (4096) events each.
func New(client goredis.UniversalClient, channel string) *Bus {
	return &Bus{client: client, channel: channel, size: fanout.DefaultSize, log: slog.New(slog.DiscardHandler)}
}

// WithLogger returns b logging subscription failures to log.
func (b *Bus) WithLogger(log *slog.Logger) *Bus {
	c := *b
	c.log = log.With("component", "redis-bus", "channel", b.channel)
	return &c
}

// publisher is the client to PUBLISH on. A cluster client sends a
// keyless command to any node, and messages published on different nodes
// may overtake each other on the cluster bus; publishing on the master of
// the channel's slot, where Subscribe listens, keeps one order.
func (b *Bus) publisher(ctx context.Context) goredis.Cmdable {
	if cc, ok := b.client.(*goredis.ClusterClient); ok {
		if node, err := cc.MasterForKey(ctx, b.channel); err == nil {
			return node
		}
	}
	return b.client
}

// Publish sends e to every subscriber of every instance. It fails, with an
// error wrapping store.ErrUnavailable, when Redis cannot be reached.
func (b *Bus) Publish(ctx context.Context, e store.Event) error {
	bp := bufPool.Get().(*[]byte)
	msg, err := codec.AppendEvent((*bp)[:0], &e)
	if err != nil {
		bufPool.Put(bp)
		return fmt.Errorf("redis: publish %s: %w", e.Kind, err)
	}
	err = b.publisher(ctx).Publish(ctx, b.channel, msg).Err()
	if cap(msg) <= maxPooled {
		*bp = msg
		bufPool.Put(bp)
	}
	return rediserr.Wrap(ctx, "publish", string(e.Kind), err)
}

// Subscribe opens a subscription and returns once Redis has confirmed it,
// so that every event published afterwards is delivered. The channel is
// closed when ctx is done.
func (b *Bus) Subscribe(ctx context.Context) (<-chan store.Event, error) {
	return b.subscribe(ctx, nil)
}

// SubscribeKinds is Subscribe for a subscriber that wants only events of
// the given kinds, and lost events: the others are skipped undecoded,
// which spares a subscriber that only listens for plan changes the
// decoding of every aircraft batch. No kinds means every kind.
func (b *Bus) SubscribeKinds(ctx context.Context, kinds ...store.EventKind) (<-chan store.Event, error) {
	if len(kinds) == 0 {
		return b.subscribe(ctx, nil)
	}
	want := make(map[store.EventKind]bool, len(kinds))
	for _, k := range kinds {
		want[k] = true
	}
	return b.subscribe(ctx, want)
}

// subscribe subscribes for the kinds in want, or every kind when want is
// nil.
func (b *Bus) subscribe(ctx context.Context, want map[store.EventKind]bool) (<-chan store.Event, error) {
	ps := b.client.Subscribe(ctx, b.channel)
	if _, err := ps.Receive(ctx); err != nil {
		ps.Close()
		return nil, rediserr.Wrap(ctx, "subscribe", b.channel, err)
	}
	q := fanout.New(ctx, b.size)
	go b.receive(ctx, ps, q, want)
	return q.C(), nil
}

// bufPool recycles encoding buffers: the client has written the message
// once Publish returns.
var bufPool = sync.Pool{New: func() any { return new([]byte) }}

// maxPooled keeps unusually large buffers out of the pool.
const maxPooled = 4 << 20

// idle is how long a quiet subscription waits before pinging Redis.
const idle = 30 * time.Second

// receive moves messages from the subscription to the queue until ctx is
// done, skipping events whose kind is not in want (unless want is nil).
// A receive error means the connection dropped: events may have been
// missed, so the subscriber is told, and the next Receive reconnects.
func (b *Bus) receive(ctx context.Context, ps *goredis.PubSub, q *fanout.Queue, want map[store.EventKind]bool) {
	stop := context.AfterFunc(ctx, func() { ps.Close() })
	defer stop()
	defer ps.Close()
	retry := time.NewTimer(0)
	defer retry.Stop()
	<-retry.C
	backoff := 50 * time.Millisecond
	for {
		msg, err := ps.ReceiveTimeout(ctx, idle)
		if ctx.Err() != nil {
			return
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			// Quiet channel: a ping keeps the connection checked.
			if err = ps.Ping(ctx); err == nil {
				continue
			}
		}
		if err != nil {
			b.log.Warn("subscription interrupted", "err", err)
			q.MarkLost()
			retry.Reset(backoff)
			select {
			case <-ctx.Done():
				return
			case <-retry.C:
			}
			backoff = min(backoff*2, 2*time.Second)
			continue
		}
		switch m := msg.(type) {
		case *goredis.Message:
			backoff = 50 * time.Millisecond
			if want != nil {
				if k, ok := codec.EventKind(m.Payload); ok && !want[k] {
					continue
				}
			}
			var e store.Event
			if err := codec.DecodeEvent(m.Payload, &e); err != nil {
				b.log.Warn("undecodable event", "err", err)
				continue
			}
			if want != nil && !want[e.Kind] {
				continue
			}
			q.Push(e)
		case *goredis.Subscription, *goredis.Pong:
		}
	}
}
