package backoff

import (
	"context"
	"time"
)

// Doubling doubles a delay from Min up to Max. The zero value uses 500 ms
// and 30 s.
type Doubling struct {
	Min, Max time.Duration
	cur      time.Duration
}

// Next returns the delay to wait before the next attempt.
func (b *Doubling) Next() time.Duration {
	lo, hi := b.Min, b.Max
	if lo <= 0 {
		lo = 500 * time.Millisecond
	}
	if hi <= 0 {
		hi = 30 * time.Second
	}
	switch {
	case b.cur < lo:
		b.cur = lo
	default:
		b.cur *= 2
	}
	if b.cur > hi {
		b.cur = hi
	}
	return b.cur
}

// Reset starts the delays again from Min.
func (b *Doubling) Reset() { b.cur = 0 }

// Wait blocks for d or until ctx is done, and reports whether d passed.
func Wait(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
