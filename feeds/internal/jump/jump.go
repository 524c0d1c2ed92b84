package jump

import (
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/geo"
)

// MaxKt is the speed a position jump may imply before it is dropped
// (geo.MaxJumpKt).
const MaxKt = geo.MaxJumpKt

// jumpForget is how long a last good position is remembered.
const jumpForget = 10 * time.Minute

// jumpTrust is how many consecutive jumps are dropped before the filter
// trusts the new position (the remembered one was then the glitch).
const jumpTrust = 3

// feedJumps is the jump rule of the feeds: with slack, as feeds round
// timestamps and may deliver out of order.
var feedJumps = geo.JumpRule{MaxKt: MaxKt, Drops: jumpTrust, Slack: true}

// Filter drops positions implying more than MaxKt from the last good
// position of the same aircraft (geo.JumpRule). The zero value is ready
// to use; it is not safe for concurrent use.
type Filter struct {
	last  map[string]*geo.LastFix
	swept time.Time
}

// Allow reports whether the position of hex at t is plausible, and records
// it as the last good one when it is.
func (j *Filter) Allow(hex string, t time.Time, lat, lon float64) bool {
	if j.last == nil {
		j.last = make(map[string]*geo.LastFix)
	}
	j.sweep(t)
	f := j.last[hex]
	if f == nil {
		f = new(geo.LastFix)
		j.last[hex] = f
	}
	ok, _ := feedJumps.Allow(f, t, orb.Point{lon, lat})
	return ok
}

func (j *Filter) sweep(now time.Time) {
	if now.Sub(j.swept) < time.Minute {
		return
	}
	j.swept = now
	for hex, f := range j.last {
		if now.Sub(f.Time) > jumpForget {
			delete(j.last, hex)
		}
	}
}
