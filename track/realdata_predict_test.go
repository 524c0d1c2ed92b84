package track

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/track/watch"
)

// TestRealTrajectoriesUnplanned replays the recorded flights in
// ../shared/realdata with no plans and the aircraft watched, as a monitor
// of removal flights would see them, and logs per alert type the true
// positives, false positives and misses against what really happened, and
// how often the predicted destination was right at 50% and 80% of the
// flight time. It runs twice: for airframes with no history (every flight
// a first flight), and with three earlier flights of the airframe on its
// scheduled route seeded. The figures are measured, not asserted; only a
// crash or an alert raised twice fails it.
func TestRealTrajectoriesUnplanned(t *testing.T) {
	wd, _ := os.Getwd()
	dir := filepath.Join(wd, "..", "..", "shared", "realdata", "trajectories_csv")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real trajectories not found at %s: %v", dir, err)
	}
	cases := []struct {
		file, origin, sched string // the scheduled route, for the seeded history
		truth               []string
	}{
		{"01_goaround_LPPT_EJU91EZ_440daf_2024-12-25.csv", "", "LPPT", []string{"landed"}},
		{"02_normal_approach_LPPT_MSR795_01010c_2024-12-12.csv", "", "LPPT", []string{"landed"}},
		{"03_return_to_origin_low_approaches_EHAM_TRA051_484506_2018-05-30.csv", "EHAM", "", []string{"departed", "holding", "turned_back", "landed"}},
		{"04_holding_then_diversion_DUB-LHR_to_LTN_2013-07-12_fs24788175.csv", "EIDW", "EGLL", []string{"departed", "holding", "diverted", "landed"}},
		{"05_holding_then_diversion_CPH-LHR_to_STN_2013-07-12_fs24785369.csv", "EKCH", "EGLL", []string{"departed", "holding", "diverted", "landed"}},
		{"06_diversion_CLY-ORY_to_CDG_2013-07-13_fs24891734.csv", "LFKC", "LFPO", []string{"departed", "diverted", "landed"}},
		{"07_holding_then_weather_diversion_STN-HAU_to_SVG_2013-07-11_fs24685505.csv", "EGSS", "ENHD", []string{"departed", "holding", "diverted", "landed"}},
		{"08_turnback_MUC-LHR_back_to_MUC_LH2472_2013-07-14_fs24936159.csv", "EDDM", "EGLL", []string{"departed", "turned_back", "landed"}},
		{"09_turnback_with_holding_BRU-VCE_back_to_BRU_2013-07-14_fs24958582.csv", "EBBR", "LIPZ", []string{"departed", "turned_back", "holding", "landed"}},
		{"10_ordinary_KMSP-KDEN_DAL2927_ac671b_2025-02-05.csv", "KMSP", "KDEN", []string{"departed", "landed"}},
	}
	for _, seeded := range []bool{false, true} {
		type score struct{ tp, fp, fn int }
		scores := map[string]*score{}
		right50, right80, judged := 0, 0, 0
		for i, c := range cases {
			hex := "f1000" + strconv.Itoa(i)
			obs := readTrajectory(t, filepath.Join(dir, c.file), hex)
			if len(obs) == 0 {
				t.Fatalf("%s: no observations", c.file)
			}
			tr := newTracker(Config{}, Deps{Watchlist: watch.New([]watch.Entry{{Name: "monitor", Hex: []string{obs[0].Hex}}}, nil)})
			if seeded && c.origin != "" && c.sched != "" {
				tr.Seed(earlier(obs[0].Hex, c.origin, c.sched, 3))
			}
			type snap struct {
				at   time.Time
				dest string
			}
			var snaps []snap
			var alerts []flight.Alert
			var last flight.Leg
			for _, o := range obs {
				r := tr.Observe(o)
				alerts = append(alerts, r.Alerts...)
				for _, l := range r.Legs {
					last = l // a leg is emitted whenever its prediction changes
				}
				if last.Status == flight.LegAirborne {
					snaps = append(snaps, snap{o.Time, last.PredictedDestination})
				}
			}
			end := obs[len(obs)-1].Time
			tr.Tick(end)
			for _, r := range tr.Tick(end.Add(time.Hour)) {
				alerts = append(alerts, r.Alerts...)
				for _, l := range r.Legs {
					last = l
				}
			}
			keys := map[string]bool{}
			for _, a := range alerts {
				if keys[a.Key] {
					t.Errorf("%s: alert %s raised twice", c.file, a.Key)
				}
				keys[a.Key] = true
			}
			got := types(alerts)
			truth := map[string]bool{}
			for _, w := range c.truth {
				truth[w] = true
			}
			for _, g := range got {
				if scores[g] == nil {
					scores[g] = &score{}
				}
				if truth[g] {
					scores[g].tp++
				} else {
					scores[g].fp++
				}
				delete(truth, g)
			}
			for w := range truth {
				if scores[w] == nil {
					scores[w] = &score{}
				}
				scores[w].fn++
			}
			at := func(frac float64) string {
				if len(snaps) == 0 {
					return ""
				}
				start := snaps[0].at
				stop := last.Arrived
				if stop.IsZero() {
					stop = snaps[len(snaps)-1].at
				}
				when := start.Add(time.Duration(frac * float64(stop.Sub(start))))
				i := sort.Search(len(snaps), func(i int) bool { return !snaps[i].at.Before(when) })
				if i == len(snaps) {
					i--
				}
				return snaps[i].dest
			}
			p50, p80 := at(0.5), at(0.8)
			if last.ActualDestination != "" {
				judged++
				if p50 == last.ActualDestination {
					right50++
				}
				if p80 == last.ActualDestination {
					right80++
				}
			}
			t.Logf("seeded=%v %s: alerts %v; landed %s; predicted at 50%% %q, at 80%% %q; final %s %s %.2f; class %s",
				seeded, c.file[:2], got, last.ActualDestination, p50, p80, last.PredictedDestination, last.PredictedBasis,
				last.PredictedConfidence, last.Class)
			for _, a := range alerts {
				if a.Type == flight.AlertDiverted {
					t.Logf("    %s", a.Message)
				}
			}
		}
		var names []string
		for n := range scores {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			s := scores[n]
			t.Logf("seeded=%v %-12s tp %d fp %d missed %d", seeded, n, s.tp, s.fp, s.fn)
		}
		t.Logf("seeded=%v predicted destination right: at 50%% %d/%d, at 80%% %d/%d", seeded, right50, judged, right80, judged)
	}
}
