package jump

import (
	"testing"
	"time"
)

func TestFilter(t *testing.T) {
	t0 := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	var j Filter
	steps := []struct {
		name     string
		dt       time.Duration
		lat, lon float64
		want     bool
	}{
		{"first", 0, 31, -106, true},
		{"cruise", 10 * time.Second, 31.02, -106, true},
		{"glitch", 11 * time.Second, 40, -106, false},
		{"back on track", 12 * time.Second, 31.025, -106, true},
		{"far after an hour", time.Hour, 40, -106, true},
	}
	for _, s := range steps {
		if got := j.Allow("ae1234", t0.Add(s.dt), s.lat, s.lon); got != s.want {
			t.Errorf("%s: Allow = %v, want %v", s.name, got, s.want)
		}
	}
	// A stuck bad fix is abandoned after repeated jumps.
	var k Filter
	k.Allow("a", t0, 0.5, 0.5)
	allowed := false
	for i := 1; i <= jumpTrust+1; i++ {
		allowed = k.Allow("a", t0.Add(time.Duration(i)*time.Second), 45, 45)
	}
	if !allowed {
		t.Error("filter never trusted a consistent new position")
	}
}
