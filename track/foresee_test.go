package track

import (
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/track/routes"
	"github.com/flightwatch/flightwatch/track/watch"
)

// earlier returns n landed legs of a watched airframe from origin to dest,
// one a day, ending the day before t0.
func earlier(hex, origin, dest string, n int) []flight.Leg {
	var out []flight.Leg
	for i := n; i >= 1; i-- {
		dep := t0.Add(-time.Duration(i) * 24 * time.Hour)
		out = append(out, flight.Leg{ID: legID(hex, dep), Hex: hex, Status: flight.LegLanded, Origin: origin,
			ActualDestination: dest, Departed: dep, Arrived: dep.Add(3 * time.Hour), FirstSeen: dep,
			LastSeen: dep.Add(3 * time.Hour), Watch: "test"})
	}
	return out
}

// unplanned is one synthetic flight of a watched aircraft with no plan.
type unplanned struct {
	name    string
	history []flight.Leg
	routes  string // a route table in the VRS layout
	build   func() *traj
	tick    time.Duration
	want    []string
	class   flight.Class
	msg     string // a substring of the diverted message, when diverted is wanted
}

func unplannedScenarios(t testing.TB) []unplanned {
	kbif, mslp, mroc := airport(t, "KBIF"), airport(t, "MSLP"), airport(t, "MROC")
	knkx, kefd, kiah := airport(t, "KNKX"), airport(t, "KEFD"), airport(t, "KIAH")
	mggt, ksea := airport(t, "MGGT"), airport(t, "KSEA")
	toMSLP := geo.BearingDeg(kbif.Point(), mslp.Point())
	return []unplanned{
		{name: "airframe with a history diverts", history: earlier("ae1001", "KBIF", "MSLP", 3),
			build: func() *traj {
				b := newTraj("ae1001", "GXA701", kbif, t0).ground(2 * time.Minute).takeoff(toMSLP)
				b.fly(geo.Destination(mslp.Point(), toMSLP+180, 300), 450, 35000)
				return b.land(mroc)
			}, want: []string{"departed", "diverted", "landed"}, class: flight.ClassRemoval,
			msg: "GXA701 diverted: predicted MSLP from 3 earlier flights, landed at MROC"},
		{name: "airframe with a history lands where it went before", history: earlier("ae1002", "KBIF", "MSLP", 3),
			build: func() *traj {
				b := newTraj("ae1002", "GXA702", kbif, t0).ground(2 * time.Minute).takeoff(toMSLP)
				return b.fly(geo.Destination(mslp.Point(), toMSLP+180, 100), 450, 35000).land(mslp)
			}, want: []string{"departed", "landed"}, class: flight.ClassRemoval},
		{name: "go-around at the predicted field", history: earlier("ae1003", "KBIF", "MSLP", 3),
			build: func() *traj {
				b := newTraj("ae1003", "GXA703", kbif, t0).ground(2 * time.Minute).takeoff(toMSLP)
				b.fly(geo.Destination(mslp.Point(), toMSLP+180, 40), 450, 12000)
				b.fly(geo.Destination(mslp.Point(), toMSLP+180, 8), 160, mslp.ElevFt+2000)
				b.fly(mslp.Point(), 140, mslp.ElevFt+300)
				b.flyKm(toMSLP, 8, 160, mslp.ElevFt+2500)
				b.flyKm(toMSLP+90, 5, 160, mslp.ElevFt+2500)
				b.flyKm(toMSLP+180, 16, 160, mslp.ElevFt+2500)
				b.fly(geo.Destination(mslp.Point(), toMSLP+180, 8), 150, mslp.ElevFt+1500)
				return b.land(mslp)
			}, want: []string{"departed", "landed"}, class: flight.ClassRemoval},
		{name: "airway doglegs", history: earlier("ae1004", "KBIF", "MSLP", 2),
			build: func() *traj {
				b := newTraj("ae1004", "GXA704", kbif, t0).ground(2 * time.Minute).takeoff(toMSLP)
				for i := 0; i < 8; i++ {
					off := 35.0
					if i%2 == 1 {
						off = -35
					}
					b.flyKm(geo.BearingDeg(b.p, mslp.Point())+off, 150, 450, 35000)
				}
				return b.land(mslp)
			}, want: []string{"departed", "landed"}, class: flight.ClassRemoval},
		{name: "vectoring before landing", history: earlier("ae1005", "KBIF", "MSLP", 3),
			build: func() *traj {
				b := newTraj("ae1005", "GXA705", kbif, t0).ground(2 * time.Minute).takeoff(toMSLP)
				b.fly(geo.Destination(mslp.Point(), toMSLP+180, 60), 450, 11000)
				b.flyKm(toMSLP+90, 25, 250, 8000)  // vectored off to the side
				b.flyKm(toMSLP+180, 30, 230, 6000) // downwind, away from the field
				b.flyKm(toMSLP-90, 20, 210, 5000)  // base
				return b.land(mslp)
			}, want: []string{"departed", "landed"}, class: flight.ClassRemoval},
		{name: "holding then landing at the predicted field", history: earlier("ae1006", "KBIF", "MSLP", 3),
			build: func() *traj {
				b := newTraj("ae1006", "GXA706", kbif, t0).ground(2 * time.Minute).takeoff(toMSLP)
				b.fly(geo.Destination(mslp.Point(), toMSLP+180, 60), 450, 12000).orbit(6, 3, 220)
				return b.land(mslp)
			}, want: []string{"departed", "holding", "landed"}, class: flight.ClassRemoval},
		{name: "twenty-minute gap over water", history: earlier("ae1007", "KBIF", "MSLP", 3),
			build: func() *traj {
				b := newTraj("ae1007", "GXA707", kbif, t0).ground(2 * time.Minute).takeoff(toMSLP)
				b.flyKm(toMSLP, 700, 450, 35000)
				b.t = b.t.Add(20 * time.Minute)
				b.p = geo.Destination(b.p, geo.BearingDeg(b.p, mslp.Point()), 280)
				return b.fly(geo.Destination(mslp.Point(), toMSLP+180, 60), 450, 30000).land(mslp)
			}, want: []string{"departed", "signal_lost", "landed"}, class: flight.ClassRemoval},
		{name: "first flight of an airframe with no history lands away from its course guess",
			build: func() *traj {
				b := newTraj("ae1008", "GXA708", kbif, t0).ground(2 * time.Minute).takeoff(toMSLP)
				b.fly(geo.Destination(mslp.Point(), toMSLP+180, 300), 450, 35000)
				return b.land(mggt)
			}, want: []string{"departed", "landed"}, class: flight.ClassRemoval},
		{name: "REACH 538: turns back over Texas and lands in Houston",
			build: func() *traj {
				b := newTraj("ae1009", "RCH538", knkx, t0).ground(2 * time.Minute)
				brg := geo.BearingDeg(knkx.Point(), airport(t, "SKBO").Point())
				b.takeoff(brg).fly(geo.Destination(kefd.Point(), 240, 250), 450, 33000) // over south Texas
				b.flyKm(geo.BearingDeg(b.p, knkx.Point()), 260, 420, 30000)             // heading back west
				return b.fly(geo.Destination(kefd.Point(), 270, 60), 420, 12000).land(kefd)
			}, want: []string{"departed", "turned_back", "diverted", "landed"}, class: flight.ClassDomestic,
			msg: "RCH538 diverted: turned back toward KNKX, landed at KEFD"},
		{name: "return to base", history: earlier("ae1010", "KNKX", "SKBO", 3),
			build: func() *traj {
				b := newTraj("ae1010", "RCH539", knkx, t0).ground(2 * time.Minute)
				brg := geo.BearingDeg(knkx.Point(), airport(t, "SKBO").Point())
				b.takeoff(brg).flyKm(brg, 300, 420, 28000)
				return b.fly(geo.Destination(knkx.Point(), brg, 40), 400, 10000).land(knkx)
			}, want: []string{"departed", "turned_back", "landed"}, class: flight.ClassDomestic},
		{name: "route table, landed elsewhere", routes: "GXA9001,G6,9001,GXA,KAEX-KBIF-MGGT\n",
			build: func() *traj {
				b := newTraj("ae1014", "GXA9001", kbif, t0).ground(2 * time.Minute)
				brg := geo.BearingDeg(kbif.Point(), mggt.Point())
				b.takeoff(brg).fly(geo.Destination(mggt.Point(), brg+180, 200), 450, 35000)
				return b.land(mslp)
			}, want: []string{"departed", "diverted", "landed"}, class: flight.ClassRemoval,
			msg: "GXA9001 diverted: predicted MGGT from the route table for GXA9001, landed at MSLP"},
		{name: "route table, landed there", routes: "GXA9001,G6,9001,GXA,KAEX-KBIF-MGGT\n",
			build: func() *traj {
				b := newTraj("ae1015", "GXA9001", kbif, t0).ground(2 * time.Minute)
				brg := geo.BearingDeg(kbif.Point(), mggt.Point())
				return b.takeoff(brg).fly(geo.Destination(mggt.Point(), brg+180, 60), 450, 35000).land(mggt)
			}, want: []string{"departed", "landed"}, class: flight.ClassRemoval},
		{name: "first seen in the air near where it last landed, then diverts",
			history: append(earlier("ae1016", "KBIF", "MSLP", 3), flight.Leg{ID: "ae1016-back", Hex: "ae1016", Status: flight.LegLanded,
				Origin: "MSLP", ActualDestination: "KBIF", Departed: t0.Add(-10 * time.Hour), Arrived: t0.Add(-6 * time.Hour),
				FirstSeen: t0.Add(-10 * time.Hour), LastSeen: t0.Add(-6 * time.Hour), Watch: "test"}),
			build: func() *traj {
				b := &traj{hex: "ae1016", call: "GXA716", t: t0, p: geo.Destination(kbif.Point(), toMSLP, 60), alt: 14000}
				b.fly(geo.Destination(mslp.Point(), toMSLP+180, 300), 450, 35000)
				return b.land(mroc)
			}, want: []string{"diverted", "landed"}, class: flight.ClassUnknown,
			msg: "GXA716 diverted: predicted MSLP from 3 earlier flights, landed at MROC"},
		{name: "straight flight", build: func() *traj {
			b := newTraj("ae1011", "", kbif, t0).ground(2 * time.Minute)
			brg := geo.BearingDeg(kbif.Point(), mggt.Point())
			return b.takeoff(brg).fly(geo.Destination(mggt.Point(), brg+180, 80), 450, 35000).land(mggt)
		}, want: []string{"departed", "landed"}, class: flight.ClassRemoval},
		{name: "domestic leg", history: earlier("ae1012", "KBIF", "KIAH", 3), build: func() *traj {
			b := newTraj("ae1012", "", kbif, t0).ground(2 * time.Minute)
			brg := geo.BearingDeg(kbif.Point(), kiah.Point())
			return b.takeoff(brg).fly(geo.Destination(kiah.Point(), brg+180, 60), 420, 30000).land(kiah)
		}, want: []string{"departed", "landed"}, class: flight.ClassDomestic},
		{name: "airframe with a history sets out somewhere new", history: earlier("ae1013", "KBIF", "MSLP", 3),
			build: func() *traj {
				b := newTraj("ae1013", "", kbif, t0).ground(2 * time.Minute)
				brg := geo.BearingDeg(kbif.Point(), ksea.Point())
				return b.takeoff(brg).fly(geo.Destination(ksea.Point(), brg+180, 60), 450, 35000).land(ksea)
			}, want: []string{"departed", "landed"}, class: flight.ClassDomestic},
	}
}

func TestUnplannedScenarios(t *testing.T) {
	for _, tt := range unplannedScenarios(t) {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.build()
			w := watch.New([]watch.Entry{{Name: "test", Hex: []string{b.hex}}}, nil)
			var rt *routes.Table
			if tt.routes != "" {
				var err error
				if rt, _, err = routes.Load(strings.NewReader(tt.routes), geo.Airports()); err != nil {
					t.Fatal(err)
				}
			}
			tr := newTracker(Config{}, Deps{Watchlist: w, Routes: rt})
			tr.Seed(tt.history)
			var alerts []flight.Alert
			var last flight.Leg
			for _, o := range b.obs {
				r := tr.Observe(o)
				alerts = append(alerts, r.Alerts...)
				for _, l := range r.Legs {
					last = l
				}
			}
			if tt.tick > 0 {
				end := b.obs[len(b.obs)-1].Time
				tr.Tick(end)
				for _, r := range tr.Tick(end.Add(tt.tick)) {
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
				if a.Type == flight.AlertDiverted && tt.msg != "" && a.Message != tt.msg {
					t.Errorf("diverted message = %q, want %q", a.Message, tt.msg)
				}
			}
			if last.Class != tt.class {
				t.Errorf("class = %q, want %q (leg %+v)", last.Class, tt.class, last)
			}
		})
	}
}

// TestPredictionWhileAirborne checks the prediction a watched leg carries
// in flight: from history at once, from the course with low confidence
// for an airframe with none.
func TestPredictionWhileAirborne(t *testing.T) {
	kbif, mslp := airport(t, "KBIF"), airport(t, "MSLP")
	brg := geo.BearingDeg(kbif.Point(), mslp.Point())
	tests := []struct {
		name    string
		history []flight.Leg
		basis   flight.Basis
		minConf float64
		maxConf float64
	}{
		{"history", earlier("ae2001", "KBIF", "MSLP", 3), flight.BasisHistory, 0.8, 0.95},
		{"course", nil, flight.BasisCourse, 0.1, 0.45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTraj("ae2001", "", kbif, t0).ground(time.Minute).takeoff(brg)
			b.fly(geo.Destination(mslp.Point(), brg+180, 60), 450, 30000)
			b.fly(geo.Destination(mslp.Point(), brg+180, 30), 300, 9000)
			w := watch.New([]watch.Entry{{Name: "test", Hex: []string{b.hex}}}, nil)
			tr := newTracker(Config{}, Deps{Watchlist: w})
			tr.Seed(tt.history)
			run(tr, b.obs)
			legs := tr.Legs()
			if len(legs) != 1 {
				t.Fatalf("legs = %+v, want 1", legs)
			}
			l := legs[0]
			if l.PredictedDestination != "MSLP" || l.PredictedBasis != tt.basis ||
				l.PredictedConfidence < tt.minConf || l.PredictedConfidence > tt.maxConf {
				t.Errorf("prediction = %s %s %.2f, want MSLP %s in [%.2f, %.2f]", l.PredictedDestination,
					l.PredictedBasis, l.PredictedConfidence, tt.basis, tt.minConf, tt.maxConf)
			}
			if l.Class != flight.ClassRemoval {
				t.Errorf("class = %q, want removal (predicted)", l.Class)
			}
		})
	}
}

// TestSeedRestoresLiveLeg restarts the tracker in mid-flight: the new one,
// seeded with the stored legs, carries on the same leg with its
// prediction, and raises diverted when it lands elsewhere.
func TestSeedRestoresLiveLeg(t *testing.T) {
	kbif, mslp, mroc := airport(t, "KBIF"), airport(t, "MSLP"), airport(t, "MROC")
	brg := geo.BearingDeg(kbif.Point(), mslp.Point())
	hist := earlier("ae3001", "KBIF", "MSLP", 3)
	b := newTraj("ae3001", "GXA900", kbif, t0).ground(time.Minute).takeoff(brg)
	b.fly(geo.Destination(mslp.Point(), brg+180, 500), 450, 35000)
	cut := len(b.obs)
	b.fly(geo.Destination(mslp.Point(), brg+180, 300), 450, 35000).land(mroc)
	w := watch.New([]watch.Entry{{Name: "test", Hex: []string{b.hex}}}, nil)

	first := newTracker(Config{}, Deps{Watchlist: w})
	first.Seed(hist)
	stored := map[string]flight.Leg{}
	for _, o := range b.obs[:cut] {
		for _, l := range first.Observe(o).Legs {
			stored[l.ID] = l
		}
	}
	legs := append([]flight.Leg(nil), hist...)
	var liveID string
	for _, l := range stored {
		legs = append(legs, l)
		liveID = l.ID
	}
	second := newTracker(Config{}, Deps{Watchlist: w})
	second.Seed(legs)
	if got := second.Legs(); len(got) != 1 || got[0].ID != liveID || got[0].PredictedDestination != "MSLP" {
		t.Fatalf("restored legs = %+v, want %s predicted MSLP", got, liveID)
	}
	alerts := run(second, b.obs[cut:])
	var div []string
	for _, a := range alerts {
		if a.Flight != liveID {
			t.Errorf("alert %s on leg %s, want %s", a.Key, a.Flight, liveID)
		}
		if a.Type == flight.AlertDiverted {
			div = append(div, a.Message)
		}
	}
	if len(div) != 1 || !strings.Contains(div[0], "predicted MSLP") || !strings.Contains(div[0], "landed at MROC") {
		t.Errorf("diverted alerts = %q, want one naming MSLP and MROC", div)
	}
}
