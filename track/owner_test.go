package track

import (
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// tickTypes ticks tr at the end of obs and again after d, returning the
// alert types the second tick raised.
func tickTypes(tr *Tracker, last time.Time, d time.Duration) []string {
	tr.Tick(last)
	var alerts []flight.Alert
	for _, r := range tr.Tick(last.Add(d)) {
		alerts = append(alerts, r.Alerts...)
	}
	return types(alerts)
}

func TestOwnerFilter(t *testing.T) {
	kmmx, khrl := airport(t, "MMMX"), airport(t, "KHRL")
	tests := []struct {
		name string
		plan flight.Plan
		obs  func() *traj
		tick time.Duration
		owns func(key string) bool
		want []string
	}{
		{"not departed, plan owned", flight.Plan{ID: "n1", Origin: "MMMX", Destination: "MGGT", Hex: "a10001", Departure: t0},
			func() *traj { return newTraj("a10001", "", kmmx, t0).ground(30 * time.Minute) },
			90 * time.Minute, func(k string) bool { return k == "a10001" }, []string{"not_departed"}},
		{"not departed, plan not owned", flight.Plan{ID: "n2", Origin: "MMMX", Destination: "MGGT", Hex: "a10002", Departure: t0},
			func() *traj { return newTraj("a10002", "", kmmx, t0).ground(30 * time.Minute) },
			90 * time.Minute, func(k string) bool { return k != "a10002" }, []string{}},
		{"callsign plan judged by its id", flight.Plan{ID: "n3", Origin: "MMMX", Destination: "MGGT", Callsign: "RCH1", Departure: t0},
			func() *traj { return newTraj("a10003", "RCH1", kmmx, t0).ground(30 * time.Minute) },
			90 * time.Minute, func(k string) bool { return k == "plan:n3" }, []string{"not_departed"}},
		{"signal lost, aircraft owned", flight.Plan{ID: "n4", Origin: "KHRL", Destination: "SKBO", Hex: "a10004"},
			func() *traj {
				return newTraj("a10004", "", khrl, t0).ground(time.Minute).takeoff(150).flyKm(150, 300, 450, 35000)
			},
			15 * time.Minute, func(k string) bool { return k == "a10004" }, []string{"signal_lost"}},
		{"signal lost, aircraft not owned", flight.Plan{ID: "n5", Origin: "KHRL", Destination: "SKBO", Hex: "a10005"},
			func() *traj {
				return newTraj("a10005", "", khrl, t0).ground(time.Minute).takeoff(150).flyKm(150, 300, 450, 35000)
			},
			15 * time.Minute, func(k string) bool { return false }, []string{}},
		{"no owner set judges everything", flight.Plan{ID: "n6", Origin: "MMMX", Destination: "MGGT", Hex: "a10006", Departure: t0},
			func() *traj { return newTraj("a10006", "", kmmx, t0).ground(30 * time.Minute) },
			90 * time.Minute, nil, []string{"not_departed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracker(Config{}, Deps{})
			tr.SetPlans([]flight.Plan{tt.plan})
			tr.SetOwner(tt.owns)
			b := tt.obs()
			run(tr, b.obs)
			if got := tickTypes(tr, b.obs[len(b.obs)-1].Time, tt.tick); !sameSet(got, tt.want) {
				t.Errorf("Tick alert types = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestForget(t *testing.T) {
	kbif := airport(t, "KBIF")
	tr := newTracker(Config{}, Deps{})
	tr.SetPlans([]flight.Plan{{ID: "f1", Origin: "KBIF", Destination: "MGGT", Callsign: "RCH9", Departure: t0}})
	a := newTraj("a20001", "RCH9", kbif, t0).ground(2 * time.Minute).takeoff(135)
	b := newTraj("a20002", "", kbif, t0).ground(2 * time.Minute)
	run(tr, a.obs)
	run(tr, b.obs)
	if n := tr.Forget(func(hex string) bool { return hex == "a20001" }); n != 1 {
		t.Fatalf("Forget = %d, want 1", n)
	}
	if _, ok := tr.Aircraft("a20001"); ok {
		t.Errorf("Aircraft(a20001) still known after Forget")
	}
	if _, ok := tr.Aircraft("a20002"); !ok {
		t.Errorf("Aircraft(a20002) forgotten, want kept")
	}
	// The plan the forgotten leg held is free for the aircraft's next leg.
	c := newTraj("a20001", "RCH9", kbif, t0.Add(10*time.Minute)).ground(2 * time.Minute).takeoff(135)
	run(tr, c.obs)
	var plan string
	for _, l := range tr.Legs() {
		if l.Hex == "a20001" {
			plan = l.Plan
		}
	}
	if plan != "f1" {
		t.Errorf("leg plan after Forget = %q, want f1", plan)
	}
}
