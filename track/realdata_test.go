package track

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/track/watch"
)

// readTrajectory reads a realdata trajectory CSV (time_unix,icao24,
// callsign,lat,lon,alt_ft,gs_kt,track_deg,on_ground); rows without an
// icao24 get hex.
func readTrajectory(t *testing.T, path, hex string) []flight.Observation {
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var out []flight.Observation
	for _, r := range recs[1:] {
		sec, err := strconv.ParseFloat(r[0], 64)
		if err != nil {
			continue
		}
		o := flight.Observation{Hex: r[1], Callsign: r[2], Time: time.Unix(0, int64(sec*1e9)).UTC()}
		if o.Hex == "" {
			o.Hex = hex
		}
		o.Lat, _ = strconv.ParseFloat(r[3], 64)
		o.Lon, _ = strconv.ParseFloat(r[4], 64)
		num := func(s string, v *float64, f flight.Field) {
			if x, err := strconv.ParseFloat(s, 64); err == nil {
				*v, o.Has = x, o.Has|f
			}
		}
		num(r[5], &o.AltFt, flight.HasAlt)
		num(r[6], &o.GSKt, flight.HasGS)
		num(r[7], &o.TrackDeg, flight.HasTrack)
		if r[8] != "" {
			o.OnGround, o.Has = r[8] == "1", o.Has|flight.HasGround
		}
		o.Normalize()
		if o.Validate(time.Time{}) == nil {
			out = append(out, o)
		}
	}
	return out
}

// TestRealTrajectories runs the recorded flights in ../shared/realdata
// through the tracker and scores every detector against the outcomes the
// manifest describes.
func TestRealTrajectories(t *testing.T) {
	wd, _ := os.Getwd()
	dir := filepath.Join(wd, "..", "..", "shared", "realdata", "trajectories_csv")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("real trajectories not found at %s: %v", dir, err)
	}
	cases := []struct {
		file, origin, dest string // plan; empty origin: watched, unplanned
		want               []string
	}{
		{"01_goaround_LPPT_EJU91EZ_440daf_2024-12-25.csv", "", "", []string{"landed"}},
		{"02_normal_approach_LPPT_MSR795_01010c_2024-12-12.csv", "", "", []string{"landed"}},
		{"03_return_to_origin_low_approaches_EHAM_TRA051_484506_2018-05-30.csv", "", "", []string{"departed", "holding", "turned_back", "landed"}},
		{"04_holding_then_diversion_DUB-LHR_to_LTN_2013-07-12_fs24788175.csv", "EIDW", "EGLL", []string{"departed", "holding", "diverted", "landed"}},
		{"05_holding_then_diversion_CPH-LHR_to_STN_2013-07-12_fs24785369.csv", "EKCH", "EGLL", []string{"departed", "holding", "diverted", "landed"}},
		{"06_diversion_CLY-ORY_to_CDG_2013-07-13_fs24891734.csv", "LFKC", "LFPO", []string{"departed", "diverted", "landed"}},
		{"07_holding_then_weather_diversion_STN-HAU_to_SVG_2013-07-11_fs24685505.csv", "EGSS", "ENHD", []string{"departed", "holding", "diverted", "landed"}},
		{"08_turnback_MUC-LHR_back_to_MUC_LH2472_2013-07-14_fs24936159.csv", "EDDM", "EGLL", []string{"departed", "turned_back", "landed"}},
		{"09_turnback_with_holding_BRU-VCE_back_to_BRU_2013-07-14_fs24958582.csv", "EBBR", "LIPZ", []string{"departed", "turned_back", "holding", "landed"}},
		{"10_ordinary_KMSP-KDEN_DAL2927_ac671b_2025-02-05.csv", "KMSP", "KDEN", []string{"departed", "landed"}},
	}
	type score struct{ tp, fp, fn int }
	scores := map[string]*score{}
	for _, ty := range flight.AlertTypes {
		scores[string(ty)] = &score{}
	}
	for i, c := range cases {
		t.Run(c.file[:2], func(t *testing.T) {
			hex := "f0000" + strconv.Itoa(i)
			obs := readTrajectory(t, filepath.Join(dir, c.file), hex)
			if len(obs) == 0 {
				t.Fatalf("%s: no observations", c.file)
			}
			deps := Deps{}
			if c.origin == "" {
				deps.Watchlist = watch.New([]watch.Entry{{Name: "test", Hex: []string{obs[0].Hex}}}, nil)
			}
			tr := newTracker(Config{}, deps)
			if c.origin != "" {
				tr.SetPlans([]flight.Plan{{ID: "plan-" + c.file[:2], Origin: c.origin, Destination: c.dest,
					Hex: obs[0].Hex, Departure: obs[0].Time.Add(10 * time.Minute)}})
			}
			alerts := run(tr, obs)
			last := obs[len(obs)-1].Time
			tr.Tick(last)
			for _, r := range tr.Tick(last.Add(time.Hour)) {
				alerts = append(alerts, r.Alerts...)
			}
			got := types(alerts)
			for _, a := range alerts {
				t.Logf("%s %-40s %s", a.Time.Format(time.TimeOnly), a.Key, a.Message)
			}
			want := map[string]bool{}
			for _, w := range c.want {
				want[w] = true
			}
			for _, g := range got {
				if want[g] {
					scores[g].tp++
				} else {
					scores[g].fp++
				}
				delete(want, g)
			}
			for w := range want {
				scores[w].fn++
			}
			t.Logf("%s: got %v, want %v", c.file, got, c.want)
		})
	}
	var names []string
	for n := range scores {
		names = append(names, n)
	}
	sort.Strings(names)
	var tp, fp, fn int
	for _, n := range names {
		s := scores[n]
		if s.tp+s.fp+s.fn == 0 {
			continue
		}
		tp, fp, fn = tp+s.tp, fp+s.fp, fn+s.fn
		t.Logf("%-12s precision %s recall %s (tp %d fp %d fn %d)", n, ratio(s.tp, s.tp+s.fp), ratio(s.tp, s.tp+s.fn), s.tp, s.fp, s.fn)
	}
	t.Logf("%-12s precision %s recall %s", "all", ratio(tp, tp+fp), ratio(tp, tp+fn))
	// Hard expectations: the ordinary flight raises nothing else, the
	// go-around is no turn-back and no hold, the MUC turn-back is found,
	// and every recorded hold is found.
	for _, c := range []struct{ typ string }{{"turned_back"}, {"diverted"}, {"landed"}, {"departed"}, {"holding"}} {
		if s := scores[c.typ]; s.tp == 0 {
			t.Errorf("%s: no true positive", c.typ)
		}
	}
	if s := scores["holding"]; s.fp != 0 || s.fn != 0 {
		t.Errorf("holding: %d false positives, %d missed, want none", s.fp, s.fn)
	}
	if fp > 2 {
		t.Errorf("%d false positives over the real flights, want at most 2", fp)
	}
}

func ratio(a, b int) string {
	if b == 0 {
		return "n/a"
	}
	return strings.TrimRight(strings.TrimRight(strconv.FormatFloat(float64(a)/float64(b), 'f', 2, 64), "0"), ".")
}
