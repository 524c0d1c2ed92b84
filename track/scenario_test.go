package track

import (
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/track/geofence"
	"github.com/flightwatch/flightwatch/track/watch"
	"github.com/paulmach/orb"
)

// scenario is one synthetic planned flight and the alert types it must
// raise.
type scenario struct {
	name  string
	plan  flight.Plan
	build func() *traj
	tick  time.Duration // Tick this long after the last observation (0: no tick)
	want  []string
}

// scenarios returns the synthetic flights shared by TestScenarios and
// TestTimeScaleCompressed.
func scenarios(t testing.TB) []scenario {
	kbif, mggt, skbo := airport(t, "KBIF"), airport(t, "MGGT"), airport(t, "SKBO")
	khrl, kaex, kiah := airport(t, "KHRL"), airport(t, "KAEX"), airport(t, "KIAH")
	ktus, kmia := airport(t, "KTUS"), airport(t, "KMIA")
	return []scenario{
		{"planned KBIF-MGGT lands at MGGT",
			flight.Plan{ID: "p1", Origin: "KBIF", Destination: "MGGT", Hex: "ae0001", Departure: t0},
			func() *traj {
				return newTraj("ae0001", "RCH821", kbif, t0).ground(2*time.Minute).takeoff(geo.BearingDeg(kbif.Point(), mggt.Point())).
					fly(geo.Destination(mggt.Point(), 0, 80), 450, 35000).land(mggt)
			}, 0, []string{"departed", "landed"}},
		{"turns around mid-route and lands back at origin",
			flight.Plan{ID: "p2", Origin: "KHRL", Destination: "SKBO", Callsign: "GXA123", Departure: t0},
			func() *traj {
				b := newTraj("a00002", "GXA123", khrl, t0).ground(time.Minute)
				brg := geo.BearingDeg(khrl.Point(), skbo.Point())
				return b.takeoff(brg).flyKm(brg, 500, 450, 33000).flyKm(brg+90, 20, 400, 30000).
					fly(geo.Destination(khrl.Point(), brg, 60), 450, 10000).land(khrl)
			}, 0, []string{"departed", "turned_back", "landed"}},
		{"turns back near the Texas Gulf coast and lands at Houston",
			flight.Plan{ID: "p3", Origin: "KAEX", Destination: "SKBO", Hex: "a00003", Departure: t0},
			func() *traj {
				b := newTraj("a00003", "GXA456", kaex, t0).ground(time.Minute)
				brg := geo.BearingDeg(kaex.Point(), skbo.Point())
				return b.takeoff(brg).flyKm(brg, 350, 450, 33000).flyKm(brg+100, 15, 400, 30000).
					fly(geo.Destination(kaex.Point(), 190, 150), 420, 20000).land(kiah)
			}, 0, []string{"departed", "turned_back", "landed", "diverted"}},
		{"go-around at destination is not a turn-back",
			flight.Plan{ID: "p4", Origin: "KBIF", Destination: "KTUS", Hex: "a00004", Departure: t0},
			func() *traj {
				b := newTraj("a00004", "GXA789", kbif, t0).ground(time.Minute)
				brg := geo.BearingDeg(kbif.Point(), ktus.Point())
				b.takeoff(brg).fly(geo.Destination(ktus.Point(), brg+180, 40), 400, 20000)
				b.fly(geo.Destination(ktus.Point(), brg+180, 8), 160, ktus.ElevFt+2000)
				b.fly(ktus.Point(), 140, ktus.ElevFt+300)                               // low over the runway
				b.flyKm(brg, 8, 160, ktus.ElevFt+2500)                                  // go around
				b.flyKm(brg+90, 5, 160, ktus.ElevFt+2500)                               // crosswind
				b.flyKm(brg+180, 16, 160, ktus.ElevFt+2500)                             // downwind
				b.fly(geo.Destination(ktus.Point(), brg+180, 8), 150, ktus.ElevFt+1500) // base/final
				return b.land(ktus)
			}, 0, []string{"departed", "landed"}},
		{"holding near destination",
			flight.Plan{ID: "p5", Origin: "KBIF", Destination: "KTUS", Hex: "a00005", Departure: t0},
			func() *traj {
				b := newTraj("a00005", "", kbif, t0).ground(time.Minute)
				brg := geo.BearingDeg(kbif.Point(), ktus.Point())
				b.takeoff(brg).fly(geo.Destination(ktus.Point(), brg+180, 60), 400, 12000).orbit(6, 3, 220)
				return b.land(ktus)
			}, 0, []string{"departed", "holding", "landed"}},
		{"off route to Miami",
			flight.Plan{ID: "p6", Origin: "KBIF", Destination: "MGGT", Hex: "a00006", Departure: t0},
			func() *traj {
				b := newTraj("a00006", "", kbif, t0).ground(time.Minute)
				return b.takeoff(90).fly(geo.Destination(kmia.Point(), 270, 80), 480, 35000).land(kmia)
			}, 0, []string{"departed", "off_route", "diverted", "landed"}},
		{"never departs",
			flight.Plan{ID: "p7", Origin: "MMMX", Destination: "MGGT", Hex: "a00007", Departure: t0},
			func() *traj { return newTraj("a00007", "", airport(t, "MMMX"), t0).ground(30 * time.Minute) },
			90 * time.Minute, []string{"not_departed"}},
		{"signal lost over the Gulf",
			flight.Plan{ID: "p8", Origin: "KHRL", Destination: "SKBO", Hex: "a00008", Departure: t0},
			func() *traj {
				b := newTraj("a00008", "", khrl, t0).ground(time.Minute)
				return b.takeoff(150).flyKm(150, 300, 450, 35000)
			}, 15 * time.Minute, []string{"departed", "signal_lost"}},
		{"short gap over the Gulf is not signal lost",
			flight.Plan{ID: "p9", Origin: "KHRL", Destination: "SKBO", Hex: "a00009", Departure: t0},
			func() *traj {
				b := newTraj("a00009", "", khrl, t0).ground(time.Minute)
				b.takeoff(150).flyKm(150, 300, 450, 35000)
				b.t = b.t.Add(8 * time.Minute)
				return b.flyKm(150, 100, 450, 35000)
			}, 8 * time.Minute, []string{"departed"}},
		{"circuit flown low near the destination is not a hold",
			flight.Plan{ID: "p10", Origin: "KBIF", Destination: "KTUS", Hex: "a00010", Departure: t0},
			func() *traj {
				b := newTraj("a00010", "", kbif, t0).ground(time.Minute)
				brg := geo.BearingDeg(kbif.Point(), ktus.Point())
				b.takeoff(brg).fly(geo.Destination(ktus.Point(), brg+180, 8), 400, ktus.ElevFt+2000).
					orbit(2, 2, 140) // two low circuits, within 12 km of the field
				return b.land(ktus)
			}, 0, []string{"departed", "landed"}},
		{"orbits above the destination are a hold",
			flight.Plan{ID: "p11", Origin: "KBIF", Destination: "KTUS", Hex: "a00011", Departure: t0},
			func() *traj {
				b := newTraj("a00011", "", kbif, t0).ground(time.Minute)
				brg := geo.BearingDeg(kbif.Point(), ktus.Point())
				b.takeoff(brg).fly(geo.Destination(ktus.Point(), brg+180, 8), 400, ktus.ElevFt+8000).
					orbit(3, 3, 200)
				return b.land(ktus)
			}, 0, []string{"departed", "holding", "landed"}},
		{"low orbits far from any airport are a hold",
			flight.Plan{ID: "p12", Origin: "KHRL", Destination: "SKBO", Hex: "a00012", Departure: t0},
			func() *traj {
				b := newTraj("a00012", "", khrl, t0).ground(time.Minute)
				return b.takeoff(150).flyKm(150, 250, 300, 2000).orbit(3, 3, 160).flyKm(150, 50, 300, 10000)
			}, 0, []string{"departed", "holding"}},
	}
}

func TestScenarios(t *testing.T) {
	for _, tt := range scenarios(t) {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracker(Config{}, Deps{})
			tr.SetPlans([]flight.Plan{tt.plan})
			b := tt.build()
			alerts := run(tr, b.obs)
			if tt.tick > 0 {
				last := b.obs[len(b.obs)-1].Time
				tr.Tick(last) // marks the feed clock
				for _, r := range tr.Tick(last.Add(tt.tick)) {
					alerts = append(alerts, r.Alerts...)
				}
			}
			if got := types(alerts); !sameSet(got, tt.want) {
				for _, a := range alerts {
					t.Logf("%s %s %s", a.Time.Format(time.TimeOnly), a.Key, a.Message)
				}
				t.Errorf("alert types = %v, want %v", got, tt.want)
			}
			seen := map[string]bool{}
			for _, a := range alerts {
				if seen[a.Key] {
					t.Errorf("alert %s raised twice", a.Key)
				}
				seen[a.Key] = true
				if a.Type != flight.AlertNotDeparted && a.Plan != tt.plan.ID {
					t.Errorf("alert %s plan = %q, want %q", a.Key, a.Plan, tt.plan.ID)
				}
			}
		})
	}
}

func TestUnwatchedRaisesOnlyEmergency(t *testing.T) {
	kbif := airport(t, "KBIF")
	tr := newTracker(Config{}, Deps{})
	b := newTraj("abc123", "AAL1", kbif, t0).ground(time.Minute).takeoff(90).flyKm(90, 50, 300, 20000)
	b.squawk = "7700"
	b.flyKm(90, 20, 300, 20000)
	b.squawk = "1200"
	b.flyKm(90, 20, 300, 20000)
	alerts := run(tr, b.obs)
	if len(alerts) != 2 || alerts[0].Type != flight.AlertEmergency || alerts[0].Cleared || !alerts[1].Cleared ||
		alerts[1].Key != alerts[0].Key+"/cleared" {
		t.Fatalf("alerts = %+v, want emergency then its clearing", alerts)
	}
}

func TestGeofence(t *testing.T) {
	kbif := airport(t, "KBIF")
	box := orb.MultiPolygon{{{{-105, 31}, {-104, 31}, {-104, 33}, {-105, 33}, {-105, 31}}}}
	w := watch.New([]watch.Entry{{Name: "test", Hex: []string{"abc124"}}}, nil)
	tr := newTracker(Config{GeofenceCountries: []string{"MEX"}}, Deps{Watchlist: w, Geofences: []geofence.Fence{{Name: "box", Area: box}}})
	b := newTraj("abc124", "", kbif, t0).ground(time.Minute).takeoff(90).flyKm(90, 250, 300, 20000).
		fly(orb.Point{-104, 29}, 300, 20000)
	alerts := run(tr, b.obs)
	var got []string
	for _, a := range alerts {
		if a.Type == flight.AlertGeofence {
			got = append(got, a.Message)
		}
	}
	want := []string{"abc124 entered box", "abc124 left box", "abc124 entered MEX"}
	if len(got) != len(want) {
		t.Fatalf("geofence alerts = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("geofence alert %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestObserveDrops(t *testing.T) {
	tr := newTracker(Config{}, Deps{})
	o := flight.Observation{Hex: "abc125", Time: t0, Lat: 31, Lon: -106, AltFt: 30000, Has: flight.HasAlt}
	tests := []struct {
		name   string
		o      flight.Observation
		accept bool
	}{
		{"first", o, true},
		{"same fix again is accepted as it stands", o, true},
		{"same time, elsewhere", func() flight.Observation { x := o; x.Lat = 31.01; return x }(), false},
		{"older", func() flight.Observation { x := o; x.Time = t0.Add(-time.Second); return x }(), false},
		{"jump", func() flight.Observation { x := o; x.Time = t0.Add(10 * time.Second); x.Lat = 35; return x }(), false},
		{"plausible", func() flight.Observation {
			x := o
			x.Time = t0.Add(20 * time.Second)
			x.Lat = 31.02
			x.Callsign = "RCH1"
			return x
		}(), true},
		{"callsign kept", func() flight.Observation { x := o; x.Time = t0.Add(30 * time.Second); x.Lat = 31.04; return x }(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tr.Observe(tt.o)
			if r.Accepted != tt.accept || (!r.Accepted && r.Reason == "") {
				t.Errorf("Observe() accepted = %v (%q), want %v", r.Accepted, r.Reason, tt.accept)
			}
			if tt.name == "same fix again is accepted as it stands" && (r.Trail || len(r.Alerts) > 0 || !r.Aircraft.Time.Equal(t0)) {
				t.Errorf("repeat: trail %v, %d alerts, time %v; want the stored state only", r.Trail, len(r.Alerts), r.Aircraft.Time)
			}
		})
	}
	a, _ := tr.Aircraft("abc125")
	if a.Callsign != "RCH1" {
		t.Errorf("merged callsign = %q, want RCH1", a.Callsign)
	}
}
