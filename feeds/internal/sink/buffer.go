package sink

import (
	"context"
	"fmt"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/flight"
)

// Sink receives observations. Ingest returns an error when they could not
// be stored; the feed keeps them and retries, or counts them lost.
type Sink interface {
	Ingest(ctx context.Context, obs []flight.Observation) error
}

// MaxPending bounds the observations a Buffer keeps while its sink fails;
// beyond it the oldest are counted lost.
const MaxPending = 50000

// Buffer batches observations for a sink and keeps them when the sink
// fails, up to MaxPending.
type Buffer struct {
	Sink  Sink
	Stats feedstats.Stats
	obs   []flight.Observation
}

// Add appends observations to the pending batch.
func (b *Buffer) Add(obs ...flight.Observation) { b.obs = append(b.obs, obs...) }

// Len is the number of pending observations.
func (b *Buffer) Len() int { return len(b.obs) }

// Flush hands the pending observations to the sink. On failure they stay
// pending (the oldest beyond MaxPending are dropped and counted lost) and
// the error is returned.
func (b *Buffer) Flush(ctx context.Context) error {
	if len(b.obs) == 0 {
		return nil
	}
	if err := b.Sink.Ingest(ctx, b.obs); err != nil {
		if over := len(b.obs) - MaxPending; over > 0 {
			b.Stats.Reject(feedstats.ReasonLost, over)
			b.obs = append(b.obs[:0], b.obs[over:]...)
		}
		return fmt.Errorf("ingest %d observations: %w", len(b.obs), err)
	}
	b.Stats.Observations(len(b.obs))
	// The sink may keep the slice: start a new one.
	b.obs = nil
	return nil
}
