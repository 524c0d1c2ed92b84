package track

import (
	"math"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/paulmach/orb"
)

func past(origin, dest string, day int, hour int) pastLeg {
	dep := t0.Add(time.Duration(day)*24*time.Hour + time.Duration(hour)*time.Hour)
	return pastLeg{origin: origin, dest: dest, departed: dep, arrived: dep.Add(2 * time.Hour)}
}

func TestPredictHistory(t *testing.T) {
	tests := []struct {
		name       string
		hist       []pastLeg
		origin     string
		prevOrigin string
		dest       string
		minConf    float64
		maxConf    float64
		note       string
	}{
		{"no history", nil, "KBIF", "", "", 0, 0, ""},
		{"unknown origin", []pastLeg{past("KBIF", "MSLP", -1, 0)}, "", "", "", 0, 0, ""},
		{"one earlier flight", []pastLeg{past("KBIF", "MSLP", -1, 0)}, "KBIF", "", "MSLP", 0.5, 0.5, "from 1 earlier flight"},
		{"three earlier flights", []pastLeg{past("KBIF", "MSLP", -3, 0), past("KBIF", "MSLP", -2, 0), past("KBIF", "MSLP", -1, 0)},
			"KBIF", "", "MSLP", 0.87, 0.88, "from 3 earlier flights"},
		{"other origins do not vote", []pastLeg{past("KAEX", "MGGT", -3, 0), past("KAEX", "MGGT", -2, 0), past("KBIF", "MSLP", -1, 0)},
			"KBIF", "", "MSLP", 0.5, 0.5, "from 1 earlier flight"},
		{"returns to the origin do not vote", []pastLeg{past("KBIF", "KBIF", -2, 0), past("KBIF", "MSLP", -1, 0)},
			"KBIF", "", "MSLP", 0.5, 0.5, "from 1 earlier flight"},
		{"most frequent wins", []pastLeg{past("KBIF", "MSLP", -4, 0), past("KBIF", "MSLP", -3, 0), past("KBIF", "MSLP", -2, 0), past("KBIF", "MGGT", -1, 0)},
			"KBIF", "", "MSLP", 0.5, 0.75, "from 3 earlier flights"},
		{"recent first on a tie", []pastLeg{past("KBIF", "MSLP", -2, 0), past("KBIF", "MGGT", -1, 0)},
			"KBIF", "", "MGGT", 0.2, 0.5, "from 1 earlier flight"},
		{"the same mission chain weighs double", []pastLeg{
			past("KAEX", "KHRL", -3, 0), past("KHRL", "MGGT", -3, 3), // chain KAEX -> KHRL -> MGGT
			past("KMIA", "KHRL", -2, 0), past("KHRL", "MHLM", -2, 3), // chain KMIA -> KHRL -> MHLM
			past("KAEX", "KHRL", 0, -3), // today: KAEX -> KHRL, now leaving KHRL
		}, "KHRL", "KAEX", "MGGT", 0.4, 0.75, "from 1 earlier flight on the same mission chain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := predictHistory(tt.hist, tt.origin, tt.prevOrigin, 24*time.Hour)
			if got.dest != tt.dest {
				t.Fatalf("predictHistory() dest = %q, want %q", got.dest, tt.dest)
			}
			if tt.dest == "" {
				return
			}
			if got.conf < tt.minConf-1e-9 || got.conf > tt.maxConf+1e-9 || got.basis != flight.BasisHistory || got.note != tt.note {
				t.Errorf("predictHistory() = %+v, want conf in [%.2f, %.2f], basis history, note %q", got, tt.minConf, tt.maxConf, tt.note)
			}
		})
	}
}

func TestMissionPrev(t *testing.T) {
	hist := []pastLeg{past("KAEX", "KHRL", 0, 0)}
	tests := []struct {
		name   string
		origin string
		at     time.Time
		want   string
	}{
		{"next leg the same day", "KHRL", t0.Add(5 * time.Hour), "KAEX"},
		{"a day and more later", "KHRL", t0.Add(30 * time.Hour), ""},
		{"from elsewhere", "KBIF", t0.Add(5 * time.Hour), ""},
	}
	for _, tt := range tests {
		if got := missionPrev(hist, tt.origin, tt.at, 24*time.Hour); got != tt.want {
			t.Errorf("%s: missionPrev() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestPredictRoute(t *testing.T) {
	stops := []geo.Airport{airport(t, "KAEX"), airport(t, "KHRL"), airport(t, "MGGT")}
	khrl := airport(t, "KHRL").Point()
	tests := []struct {
		name      string
		origin    string
		p         orb.Point
		course    float64
		hasCourse bool
		want      string
		conf      float64
	}{
		{"from the first stop", "KAEX", orb.Point{}, 0, false, "KHRL", routeConfOrigin},
		{"from the middle stop", "KHRL", orb.Point{}, 0, false, "MGGT", routeConfOrigin},
		{"from the last stop", "MGGT", orb.Point{}, 0, false, "", 0},
		{"origin not on the route", "KBIF", orb.Point{}, 0, false, "", 0},
		{"no origin, course toward Guatemala", "", geo.Destination(khrl, 150, 100), geo.BearingDeg(khrl, airport(t, "MGGT").Point()), true, "MGGT", routeConfCourse},
		{"no origin, course away from every stop", "", geo.Destination(khrl, 150, 100), 330 + 90, true, "", 0},
		{"no origin, no course", "", khrl, 0, false, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := predictRoute(stops, "GXA123", tt.origin, tt.p, tt.course, tt.hasCourse)
			if got.dest != tt.want || (tt.want != "" && (got.conf != tt.conf || got.basis != flight.BasisRoute)) {
				t.Errorf("predictRoute() = %+v, want %q at %.2f", got, tt.want, tt.conf)
			}
		})
	}
}

func TestPredictCourse(t *testing.T) {
	ix := geo.Airports()
	kbif, mggt, mslp, kden := airport(t, "KBIF"), airport(t, "MGGT"), airport(t, "MSLP"), airport(t, "KDEN")
	tests := []struct {
		name string
		in   courseInput
		want string
	}{
		{"cruise toward Guatemala", courseInput{p: geo.Destination(kbif.Point(), geo.BearingDeg(kbif.Point(), mggt.Point()), 800),
			courseDeg: geo.BearingDeg(geo.Destination(kbif.Point(), geo.BearingDeg(kbif.Point(), mggt.Point()), 800), mggt.Point()),
			altFt:     35000, hasAlt: true}, "MGGT"},
		{"descending 100 km out", courseInput{p: geo.Destination(mslp.Point(), 320, 100), courseDeg: 140, altFt: 18000, hasAlt: true, approach: true}, "MSLP"},
		{"vectored onto base", courseInput{p: geo.Destination(mslp.Point(), 300, 25), courseDeg: 60, altFt: 5000, hasAlt: true, approach: true}, "MSLP"},
		{"descending into Denver from the east", courseInput{p: geo.Destination(kden.Point(), 80, 120), courseDeg: 260, altFt: 20000, hasAlt: true, approach: true}, "KDEN"},
		{"over the open Pacific", courseInput{p: orb.Point{-140, 10}, courseDeg: 270, altFt: 35000, hasAlt: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := predictCourse(ix, tt.in)
			if got.dest != tt.want {
				t.Fatalf("predictCourse() = %+v, want %q", got, tt.want)
			}
			if got.ok() && (got.conf >= courseConfMax || got.conf < courseConfFloor || got.basis != flight.BasisCourse) {
				t.Errorf("predictCourse() conf %.2f basis %s, want low confidence on the course basis", got.conf, got.basis)
			}
		})
	}
}

func TestContradicts(t *testing.T) {
	p, dest := orb.Point{-106, 32}, orb.Point{-89, 13.4}
	brg := geo.BearingDeg(p, dest)
	tests := []struct {
		course float64
		want   bool
	}{{brg, false}, {brg + 60, false}, {brg + 120, true}, {brg - 150, true}}
	for _, tt := range tests {
		if got := contradicts(p, math.Mod(tt.course+360, 360), dest, rejectOff); got != tt.want {
			t.Errorf("contradicts(course %.0f) = %v, want %v", tt.course, got, tt.want)
		}
	}
}

func TestDivertedUnplanned(t *testing.T) {
	knkx, kefd, mslp, mroc := airport(t, "KNKX"), airport(t, "KEFD"), airport(t, "MSLP"), airport(t, "MROC")
	held := prediction{dest: "MSLP", conf: 0.875, basis: flight.BasisHistory, note: "from 3 earlier flights"}
	base := divertInput{origin: "KBIF", originPt: airport(t, "KBIF").Point(), hasOrigin: true, nearKm: 9.26}
	with := func(f func(*divertInput)) divertInput { in := base; f(&in); return in }
	tests := []struct {
		name string
		in   divertInput
		want string
		ok   bool
	}{
		{"landed away from the held prediction", with(func(in *divertInput) {
			in.landed, in.landedAt, in.held, in.heldPt = mroc.Point(), "MROC", held, mslp.Point()
		}), "predicted MSLP from 3 earlier flights", true},
		{"landed at the held prediction", with(func(in *divertInput) {
			in.landed, in.landedAt, in.held, in.heldPt = mslp.Point(), "MSLP", held, mslp.Point()
		}), "", false},
		{"landed beside the held prediction", with(func(in *divertInput) {
			in.landed, in.held, in.heldPt = geo.Destination(mslp.Point(), 90, 4), held, mslp.Point()
		}), "", false},
		{"landed back at the origin: a turn-back", with(func(in *divertInput) {
			in.landed, in.landedAt, in.held, in.heldPt, in.turnedBack = base.originPt, "KBIF", held, mslp.Point(), true
		}), "", false},
		{"turned back and landed elsewhere", divertInput{landed: kefd.Point(), landedAt: "KEFD", turnedBack: true,
			origin: "KNKX", originPt: knkx.Point(), hasOrigin: true, nearKm: 9.26}, "turned back toward KNKX", true},
		{"turned back and landed at the held prediction", with(func(in *divertInput) {
			in.landed, in.landedAt, in.held, in.heldPt, in.turnedBack = mslp.Point(), "MSLP", held, mslp.Point(), true
		}), "", false},
		{"no prediction held, no turn-back", with(func(in *divertInput) { in.landed, in.landedAt = mroc.Point(), "MROC" }), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := divertedUnplanned(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("divertedUnplanned() = %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestCountryOf(t *testing.T) {
	c := countryOf{airports: geo.Airports(), countries: geo.Countries()}
	tests := []struct{ ident, want string }{
		{"KBIF", "USA"}, {"MGGT", "GTM"}, {"MSLP", "SLV"}, {"SKBO", "COL"}, {"LFPG", "FRA"}, {"ENZV", "NOR"},
		{"PHNL", "USA"}, {"ZZZZ", ""},
	}
	for _, tt := range tests {
		if got := c.of(tt.ident); got != tt.want {
			t.Errorf("country of %s = %q, want %q", tt.ident, got, tt.want)
		}
	}
}

func BenchmarkPredictCourse(b *testing.B) {
	ix := geo.Airports()
	kbif, mggt := airport(b, "KBIF"), airport(b, "MGGT")
	in := courseInput{p: kbif.Point(), courseDeg: geo.BearingDeg(kbif.Point(), mggt.Point()), altFt: 35000, hasAlt: true}
	b.ReportAllocs()
	for b.Loop() {
		predictCourse(ix, in)
	}
}
