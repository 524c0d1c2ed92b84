package geo

import (
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func TestJumpRule(t *testing.T) {
	t0 := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	type step struct {
		dt   time.Duration
		p    orb.Point
		want bool
	}
	tests := []struct {
		name  string
		rule  JumpRule
		steps []step
	}{
		{"cruise, glitch, back on track", JumpRule{Drops: 3, Slack: true}, []step{
			{0, orb.Point{-106, 31}, true},
			{10 * time.Second, orb.Point{-106, 31.02}, true},
			{11 * time.Second, orb.Point{-106, 40}, false},
			{12 * time.Second, orb.Point{-106, 31.025}, true},
			{time.Hour, orb.Point{-106, 40}, true},
		}},
		{"trusted after Drops jumps", JumpRule{Drops: 2}, []step{
			{0, orb.Point{0.5, 0.5}, true},
			{time.Second, orb.Point{45, 45}, false},
			{2 * time.Second, orb.Point{45, 45}, false},
			{3 * time.Second, orb.Point{45, 45}, true},
			{4 * time.Second, orb.Point{45, 45.001}, true},
		}},
		{"no drops: never filters", JumpRule{}, []step{
			{0, orb.Point{0, 0}, true},
			{time.Second, orb.Point{90, 45}, true},
		}},
		// 1 NM in one second is 3,600 kt: a jump without slack, position
		// noise with it.
		{"slack covers one mile", JumpRule{Drops: 3, Slack: true}, []step{
			{0, orb.Point{0, 0}, true},
			{time.Second, orb.Point{0, 1.0 / 60}, true},
		}},
		{"no slack", JumpRule{Drops: 3}, []step{
			{0, orb.Point{0, 0}, true},
			{time.Second, orb.Point{0, 1.0 / 60}, false},
		}},
		{"slack takes out of order fixes", JumpRule{Drops: 3, Slack: true}, []step{
			{time.Minute, orb.Point{0, 0}, true},
			{0, orb.Point{0, 0.5}, true}, // 30 NM a minute earlier: 1,800 kt
			{-time.Minute, orb.Point{0, 2}, false},
		}},
		{"lower MaxKt", JumpRule{MaxKt: 300, Drops: 1}, []step{
			{0, orb.Point{0, 0}, true},
			{time.Hour, orb.Point{0, 5}, false}, // 300 NM in an hour is fine, 5 degrees is 300 NM
			{2 * time.Hour, orb.Point{0, 5}, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f LastFix
			for i, s := range tt.steps {
				if got, kt := tt.rule.Allow(&f, t0.Add(s.dt), s.p); got != s.want {
					t.Errorf("step %d: Allow(%v) = %v (%.0f kt), want %v", i, s.p, got, kt, s.want)
				}
			}
		})
	}
}

func TestJumpRuleSpeed(t *testing.T) {
	t0 := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	f := LastFix{}
	r := JumpRule{Drops: 1}
	r.Allow(&f, t0, orb.Point{0, 0})
	ok, kt := r.Allow(&f, t0.Add(time.Minute), orb.Point{0, 0.5}) // 30 NM in a minute
	want := DistanceNM(orb.Point{0, 0}, orb.Point{0, 0.5}) * 60
	if !ok || kt < want-1 || kt > want+1 {
		t.Errorf("Allow = %v, %.1f kt, want true, %.1f kt", ok, kt, want)
	}
}

func BenchmarkJumpRule(b *testing.B) {
	b.ReportAllocs()
	t0 := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	r := JumpRule{Drops: 3, Slack: true}
	var f LastFix
	for i := 0; i < b.N; i++ {
		r.Allow(&f, t0.Add(time.Duration(i)*time.Second), orb.Point{-106, 31 + float64(i%100)*1e-4})
	}
}
