package geo

import (
	"time"

	"github.com/paulmach/orb"
)

// MaxJumpKt is the default speed a position jump may imply before the fix
// is dropped: about Mach 3.5, as tar1090 filters CPR glitches.
const MaxJumpKt = 2300.0

// JumpRule is the one position-jump filter, used by the feeds (before a
// fix is sent on) and by the tracker (before a fix is merged). A fix that
// implies more than MaxKt from the last good one is dropped, unless Drops
// fixes in a row were dropped already: the remembered fix was then the
// glitch, and the new position is trusted.
type JumpRule struct {
	MaxKt float64 // zero: MaxJumpKt
	Drops int     // consecutive jumps dropped before trusting the new position; zero: none
	// Slack adds two seconds (timestamp rounding) and one nautical mile
	// (position noise) to what a fix may cover; it also takes the time
	// between fixes without its sign, for feeds that deliver out of order.
	Slack bool
}

// LastFix is one aircraft's last good position and how many fixes in a
// row were dropped since. The zero value has no fix yet.
type LastFix struct {
	Pos     orb.Point
	Time    time.Time
	Dropped int
	Set     bool
}

// Allow judges the fix p at t against f: ok reports whether it is kept,
// kt the speed it implies from the last good fix (0 for the first fix).
// A kept fix becomes the last good one.
func (r JumpRule) Allow(f *LastFix, t time.Time, p orb.Point) (ok bool, kt float64) {
	if !f.Set {
		*f = LastFix{Pos: p, Time: t, Set: true}
		return true, 0
	}
	maxKt := r.MaxKt
	if maxKt <= 0 {
		maxKt = MaxJumpKt
	}
	dt, slackNM := t.Sub(f.Time), 0.0
	if r.Slack {
		if dt < 0 {
			dt = -dt
		}
		dt += 2 * time.Second
		slackNM = 1
	}
	distNM := DistanceNM(f.Pos, p)
	hours := dt.Hours()
	if hours > 0 {
		kt = distNM / hours
	}
	if distNM > maxKt*hours+slackNM && f.Dropped < r.Drops {
		f.Dropped++
		return false, kt
	}
	*f = LastFix{Pos: p, Time: t, Set: true}
	return true, kt
}
