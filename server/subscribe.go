package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/flightwatch/flightwatch/store"
)

// subscribe subscribes to bus, retrying with backoff while it fails (a
// Redis that is down at start); ok is false when ctx ended first.
func subscribe(ctx context.Context, bus store.Bus, log *slog.Logger) (<-chan store.Event, bool) {
	wait := 500 * time.Millisecond
	for {
		events, err := bus.Subscribe(ctx)
		if err == nil {
			return events, true
		}
		if ctx.Err() != nil {
			return nil, false
		}
		log.Warn("bus subscribe failed; retrying", "err", err, "wait", wait)
		if sleepCtx(ctx, wait) != nil {
			return nil, false
		}
		wait = min(2*wait, 10*time.Second)
	}
}
