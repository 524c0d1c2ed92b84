package notify

import (
	"context"
	"log/slog"
	"time"

	"github.com/flightwatch/flightwatch/store"
)

// RelayGroup is the consumer group the relay reads the alert log with.
const RelayGroup = "bus"

// Relay publishes the alerts of the durable log on the bus (as
// store.EventAlert events), so that every instance's websocket hub gets
// each alert at least once, also when the instance that raised it died
// after storing it. One instance of those sharing a store publishes each
// alert; entries another left pending are claimed after Takeover.
type Relay struct {
	out      store.Outbox
	bus      store.Bus
	consumer string
	takeover time.Duration
	poll     time.Duration
	log      *slog.Logger
}

// NewRelay returns a relay from out to bus, reading as consumer.
// Zero takeover is 5s; nil log discards.
func NewRelay(out store.Outbox, bus store.Bus, consumer string, takeover time.Duration, log *slog.Logger) *Relay {
	if takeover <= 0 {
		takeover = 5 * time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Relay{out: out, bus: bus, consumer: consumer, takeover: takeover, poll: time.Second,
		log: log.With("component", "relay")}
}

// Prepare creates the relay's consumer group.
func (r *Relay) Prepare(ctx context.Context) error {
	_, err := r.out.Pending(ctx, RelayGroup, 1)
	return err
}

// Run relays until ctx is done.
func (r *Relay) Run(ctx context.Context) error {
	wait := r.poll
	last := time.Time{}
	for ctx.Err() == nil {
		if time.Since(last) >= r.takeover/2 {
			last = time.Now()
			if err := r.claim(ctx); err != nil && ctx.Err() == nil {
				r.log.Warn("claim", "err", err)
			}
		}
		ds, err := r.out.Next(ctx, RelayGroup, r.consumer, 64, r.poll)
		if err != nil {
			if ctx.Err() == nil {
				r.log.Warn("read alert log", "err", err)
				sleep(ctx, wait)
				wait = min(2*wait, 10*time.Second)
			}
			continue
		}
		wait = r.poll
		r.publish(ctx, ds)
	}
	return nil
}

// claim takes over entries pending past takeover (this instance's own
// that failed to publish, or a dead instance's).
func (r *Relay) claim(ctx context.Context) error {
	pend, err := r.out.Pending(ctx, RelayGroup, 256)
	if err != nil {
		return err
	}
	var ids []string
	for _, p := range pend {
		if p.Idle >= r.takeover {
			ids = append(ids, p.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ds, err := r.out.Claim(ctx, RelayGroup, r.consumer, r.takeover, ids...)
	if err != nil {
		return err
	}
	r.publish(ctx, ds)
	return nil
}

func (r *Relay) publish(ctx context.Context, ds []store.Delivery) {
	for i := range ds {
		a := ds[i].Alert
		if err := r.bus.Publish(ctx, store.Event{Kind: store.EventAlert, Alert: &a, Source: r.consumer}); err != nil {
			r.log.Warn("publish alert", "alert", a.ID, "err", err)
			continue // stays pending; claimed again after takeover
		}
		if err := r.out.Ack(ctx, RelayGroup, ds[i].ID); err != nil && ctx.Err() == nil {
			r.log.Warn("ack alert", "alert", a.ID, "err", err)
		}
	}
}
