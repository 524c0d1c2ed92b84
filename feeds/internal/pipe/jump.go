package pipe

import (
	"math"
	"time"
)

// MaxJumpKt is the speed a position jump may imply before it is dropped:
// about Mach 3.5, as tar1090 filters CPR glitches.
const MaxJumpKt = 2300.0

// jumpForget is how long a last good position is remembered.
const jumpForget = 10 * time.Minute

// jumpTrust is how many consecutive jumps are dropped before the filter
// trusts the new position (the remembered one was then the glitch).
const jumpTrust = 3

type lastFix struct {
	lat, lon float64
	t        time.Time
	rejected int
}

// Jumps drops positions implying more than MaxJumpKt from the last good
// position of the same aircraft. The zero value is ready to use.
type Jumps struct {
	last  map[string]*lastFix
	swept time.Time
}

// Allow reports whether the position of hex at t is plausible, and records
// it as the last good one when it is.
func (j *Jumps) Allow(hex string, t time.Time, lat, lon float64) bool {
	if j.last == nil {
		j.last = make(map[string]*lastFix)
	}
	j.sweep(t)
	f := j.last[hex]
	if f == nil {
		j.last[hex] = &lastFix{lat: lat, lon: lon, t: t}
		return true
	}
	dt := t.Sub(f.t)
	if dt < 0 {
		dt = -dt
	}
	// Two seconds of slack covers timestamp rounding; one nautical mile
	// covers position noise.
	hours := (dt + 2*time.Second).Hours()
	if DistNM(f.lat, f.lon, lat, lon) > MaxJumpKt*hours+1 && f.rejected < jumpTrust {
		f.rejected++
		return false
	}
	*f = lastFix{lat: lat, lon: lon, t: t}
	return true
}

func (j *Jumps) sweep(now time.Time) {
	if now.Sub(j.swept) < time.Minute {
		return
	}
	j.swept = now
	for hex, f := range j.last {
		if now.Sub(f.t) > jumpForget {
			delete(j.last, hex)
		}
	}
}

// DistNM is the great-circle distance in nautical miles.
func DistNM(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	const earthNM = 3440.065
	dlat := (lat2 - lat1) * rad
	dlon := (lon2 - lon1) * rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * earthNM * math.Asin(math.Min(1, math.Sqrt(a)))
}
