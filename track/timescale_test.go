package track

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/track/detect"
)

func TestConfigTimeScale(t *testing.T) {
	def := Config{}.withDefaults()
	spans := func(c Config) []time.Duration {
		return []time.Duration{c.SignalLost, c.LandedSilence, c.NotDepartedGrace, c.NotDepartedMaxAge,
			c.HoldingWindow, c.TurnBackDuration, c.TrailEvery, c.PlanWindow, c.StateTTL}
	}
	tests := []struct {
		name  string
		cfg   Config
		div   float64 // every span divided by this
		jump  float64 // MaxJumpKt
		check func(t *testing.T, c Config)
	}{
		{"zero is live", Config{}, 1, 2300, nil},
		{"one is live", Config{TimeScale: 1}, 1, 2300, nil},
		{"negative is live", Config{TimeScale: -5}, 1, 2300, nil},
		{"below one is live", Config{TimeScale: 0.5}, 1, 2300, nil},
		{"sixty", Config{TimeScale: 60}, 60, 2300 * 60, nil},
		{"two", Config{TimeScale: 2}, 2, 4600, nil},
		{"explicit values are scaled too", Config{TimeScale: 4, SignalLost: 20 * time.Minute, MaxJumpKt: 1000},
			4, 4000, func(t *testing.T, c Config) {
				if c.SignalLost != 5*time.Minute {
					t.Errorf("SignalLost = %v, want 5m", c.SignalLost)
				}
			}},
		{"non-time thresholds unchanged", Config{TimeScale: 10}, 10, 23000, func(t *testing.T, c Config) {
			if c.HoldingTurnDeg != def.HoldingTurnDeg || c.TurnBackMinKm != def.TurnBackMinKm ||
				c.TurnBackMinFraction != 0.1 || c.HoldingLowFt != 3000 || c.HoldingLowNearKm != 15 {
				t.Errorf("thresholds changed: %+v", c)
			}
			if got := c.realSpan(detect.HoldSampleEvery); got != detect.HoldSampleEvery/10 {
				t.Errorf("realSpan(%v) = %v, want %v", detect.HoldSampleEvery, got, detect.HoldSampleEvery/10)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.cfg.withDefaults()
			base := tt.cfg
			base.TimeScale = 0
			want := spans(base.withDefaults())
			for i, got := range spans(c) {
				if w := time.Duration(float64(want[i]) / tt.div); got != w {
					t.Errorf("span %d = %v, want %v", i, got, w)
				}
			}
			if c.MaxJumpKt != tt.jump {
				t.Errorf("MaxJumpKt = %v, want %v", c.MaxJumpKt, tt.jump)
			}
			if c.TimeScale != tt.cfg.TimeScale {
				t.Errorf("TimeScale = %v, want it kept as %v", c.TimeScale, tt.cfg.TimeScale)
			}
			if tt.check != nil {
				tt.check(t, c)
			}
		})
	}
}

// compress returns obs with their times compressed by scale around t0.
func compress(obs []flight.Observation, scale float64) []flight.Observation {
	out := make([]flight.Observation, len(obs))
	for i, o := range obs {
		o.Time = t0.Add(time.Duration(float64(o.Time.Sub(t0)) / scale))
		out[i] = o
	}
	return out
}

// alertCounts counts alerts by type, cleared ones apart.
func alertCounts(alerts []flight.Alert) []string {
	n := map[string]int{}
	for _, a := range alerts {
		k := string(a.Type)
		if a.Cleared {
			k += "/cleared"
		}
		n[k]++
	}
	var out []string
	for k, v := range n {
		out = append(out, fmt.Sprintf("%s×%d", k, v))
	}
	sort.Strings(out)
	return out
}

// TestTimeScaleCompressed replays every synthetic scenario 60 times faster
// with TimeScale 60 and wants the alerts of the real-time run.
func TestTimeScaleCompressed(t *testing.T) {
	const scale = 60
	play := func(sc scenario, cfg Config, obs []flight.Observation, tick time.Duration) []flight.Alert {
		tr := newTracker(cfg, Deps{})
		tr.SetPlans([]flight.Plan{sc.plan}) // departures are at t0, which compress keeps
		alerts := run(tr, obs)
		if tick > 0 {
			last := obs[len(obs)-1].Time
			tr.Tick(last)
			for _, r := range tr.Tick(last.Add(tick)) {
				alerts = append(alerts, r.Alerts...)
			}
		}
		return alerts
	}
	same := 0
	for _, sc := range scenarios(t) {
		t.Run(sc.name, func(t *testing.T) {
			if !sc.plan.Departure.Equal(t0) {
				t.Fatalf("plan departure %v: compress keeps only t0", sc.plan.Departure)
			}
			obs := sc.build().obs
			real := play(sc, Config{}, obs, sc.tick)
			fast := play(sc, Config{TimeScale: scale}, compress(obs, scale), sc.tick/scale)
			if !sameSet(types(fast), types(real)) || !sameSet(types(real), sc.want) {
				t.Errorf("compressed types = %v, real %v, want %v", types(fast), types(real), sc.want)
			}
			if g, w := alertCounts(fast), alertCounts(real); fmt.Sprint(g) != fmt.Sprint(w) {
				t.Errorf("compressed alerts = %v, real %v", g, w)
			}
			// Without TimeScale the compressed flight must come out
			// otherwise, or the comparison proves nothing.
			if plain := play(sc, Config{}, compress(obs, scale), sc.tick/scale); fmt.Sprint(alertCounts(plain)) == fmt.Sprint(alertCounts(real)) {
				t.Logf("%s: same alerts without TimeScale: %v", sc.name, alertCounts(plain))
				same++
			}
		})
	}
	if same == len(scenarios(t)) {
		t.Errorf("every compressed scenario raised its alerts without TimeScale too")
	}
}
