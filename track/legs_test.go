package track

import (
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/track/watch"
)

// TestLegIDStable checks that a leg keeps the id given at its first
// sighting through take-off and landing, so that a store keeping every
// reported leg by id holds no orphan, and that alert keys name their leg.
func TestLegIDStable(t *testing.T) {
	kbif, ktus := airport(t, "KBIF"), airport(t, "KTUS")
	brg := geo.BearingDeg(kbif.Point(), ktus.Point())
	tests := []struct {
		name  string
		build func(hex string) *traj
		first time.Time // first sighting: the first leg's id
		want  []string  // the first leg's alert types
	}{
		{"first seen taxiing", func(hex string) *traj {
			b := newTraj(hex, "", kbif, t0).ground(3*time.Minute).takeoff(brg).
				fly(geo.Destination(ktus.Point(), brg+180, 60), 420, 30000).land(ktus)
			return b.ground(2*time.Minute).takeoff(90).flyKm(90, 60, 300, 15000)
		}, t0, []string{"departed", "landed"}},
		{"first seen airborne", func(hex string) *traj {
			b := newTraj(hex, "", kbif, t0)
			b.p, b.alt = geo.Destination(kbif.Point(), brg, 120), 30000
			b.fly(geo.Destination(ktus.Point(), brg+180, 60), 420, 30000).land(ktus)
			return b.ground(2*time.Minute).takeoff(90).flyKm(90, 60, 300, 15000)
		}, t0, []string{"landed"}}, // no take-off seen
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hex := "a0002" + itoa(int64(i))
			w := watch.New([]watch.Entry{{Name: "test", Hex: []string{hex}}}, nil)
			tr := newTracker(Config{}, Deps{Watchlist: w})
			b := tt.build(hex)
			stored := map[string]flight.Leg{} // as the pipeline stores them
			var alerts []flight.Alert
			for _, o := range b.obs {
				r := tr.Observe(o)
				for _, l := range r.Legs {
					stored[l.ID] = l
				}
				alerts = append(alerts, r.Alerts...)
			}
			if len(stored) != 2 {
				t.Fatalf("stored legs = %d (%v), want 2: one per flight", len(stored), keys(stored))
			}
			first, ok := stored[legID(hex, tt.first)]
			if !ok {
				t.Fatalf("no leg with the first sighting's id %s in %v", legID(hex, tt.first), keys(stored))
			}
			if first.Status != flight.LegLanded || first.ActualDestination != "KTUS" {
				t.Errorf("first leg = %s at %q, want landed at KTUS", first.Status, first.ActualDestination)
			}
			var second flight.Leg
			for id, l := range stored {
				if id != first.ID {
					second = l
				}
			}
			if second.Departed.IsZero() || second.ID != legID(hex, second.Departed) || second.Status != flight.LegAirborne {
				t.Errorf("second leg = %+v, want airborne with id %s", second, legID(hex, second.Departed))
			}
			if cur := tr.Legs(); len(cur) != 1 || cur[0].ID != second.ID {
				t.Errorf("Legs() = %+v, want the second leg only", cur)
			}
			seen := map[string]bool{}
			perLeg := map[string][]string{}
			for _, a := range alerts {
				if seen[a.Key] {
					t.Errorf("alert key %s raised twice", a.Key)
				}
				seen[a.Key] = true
				if _, ok := stored[a.Flight]; !ok || !strings.HasPrefix(a.Key, a.Flight+"/") {
					t.Errorf("alert %s names leg %q, not a stored leg", a.Key, a.Flight)
				}
				perLeg[a.Flight] = append(perLeg[a.Flight], string(a.Type))
			}
			if got := perLeg[first.ID]; !sameSet(types(alertsOf(alerts, first.ID)), tt.want) {
				t.Errorf("first leg alerts = %v, want %v", got, tt.want)
			}
			if got := perLeg[second.ID]; len(got) != 1 || got[0] != "departed" {
				t.Errorf("second leg alerts = %v, want [departed]", got)
			}
		})
	}
}

func keys(m map[string]flight.Leg) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func alertsOf(alerts []flight.Alert, leg string) []flight.Alert {
	var out []flight.Alert
	for _, a := range alerts {
		if a.Flight == leg {
			out = append(out, a)
		}
	}
	return out
}

// TestOffRouteAgain checks that each excursion from the planned corridor
// is raised under its own key and cleared on the way back.
func TestOffRouteAgain(t *testing.T) {
	kbif, ktus := airport(t, "KBIF"), airport(t, "KTUS")
	brg := geo.BearingDeg(kbif.Point(), ktus.Point())
	plan := flight.Plan{ID: "off", Origin: "KBIF", Destination: "KTUS", Hex: "a00030", Departure: t0}
	tr := newTracker(Config{}, Deps{})
	tr.SetPlans([]flight.Plan{plan})
	b := newTraj("a00030", "", kbif, t0).ground(time.Minute).takeoff(brg).flyKm(brg, 80, 420, 30000)
	b.flyKm(brg+90, 160, 420, 30000).fly(geo.Destination(kbif.Point(), brg, 200), 420, 30000) // out and back
	b.flyKm(brg-90, 160, 420, 30000).fly(geo.Destination(kbif.Point(), brg, 300), 420, 30000) // again
	b.land(ktus)
	alerts := run(tr, b.obs)
	var legID string
	var got []string
	for _, a := range alerts {
		if a.Type == flight.AlertOffRoute {
			legID = a.Flight
			got = append(got, strings.TrimPrefix(a.Key, a.Flight))
			if a.Cleared != strings.HasSuffix(a.Key, "/cleared") {
				t.Errorf("alert %s: Cleared = %v", a.Key, a.Cleared)
			}
		}
	}
	want := []string{"/off_route", "/off_route/cleared", "/off_route/2", "/off_route/2/cleared"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		for _, a := range alerts {
			t.Logf("%s %s %s", a.Time.Format(time.TimeOnly), a.Key, a.Message)
		}
		t.Fatalf("off_route keys of leg %s = %q, want %q", legID, got, want)
	}
	ids := map[string]bool{}
	for _, a := range alerts {
		if ids[a.ID] {
			t.Errorf("alert id %s (%s) repeated", a.ID, a.Key)
		}
		ids[a.ID] = true
	}
}
