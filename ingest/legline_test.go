package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/stats"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	fwredis "github.com/flightwatch/flightwatch/store/redis"
	"github.com/flightwatch/flightwatch/store/storetest"
	"github.com/flightwatch/flightwatch/track"
	"github.com/flightwatch/flightwatch/track/watch"
)

// historyStores are the two backends, with a short rolling track so that
// a long flight outgrows it.
func historyStores(t *testing.T) map[string]func(t *testing.T) store.Store {
	cfg := store.Config{TrackLen: 200, Keyer: storetest.Keyer()}
	return map[string]func(t *testing.T) store.Store{
		"memory": func(*testing.T) store.Store { return memory.New(cfg) },
		"redis": func(t *testing.T) store.Store {
			url := os.Getenv("FLIGHTWATCH_TEST_REDIS_URL")
			if url == "" {
				url = "redis://127.0.0.1:6379/15"
			}
			b := make([]byte, 6)
			_, _ = rand.Read(b)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			s, err := fwredis.New(ctx, url, "fwtest-"+hex.EncodeToString(b), cfg)
			if err != nil {
				t.Fatalf("Redis at %s does not answer (set FLIGHTWATCH_TEST_REDIS_URL): %v", url, err)
			}
			t.Cleanup(func() {
				if err := s.Drop(context.Background()); err != nil {
					t.Errorf("drop test keys: %v", err)
				}
				s.Close()
			})
			return s
		},
	}
}

// sixHourFlight is a watched C-17 taxiing at Biggs AAF (KBIF), flying to
// La Aurora (MGGT) in six hours with a fix every 5 s, and landing.
func sixHourFlight(t0 time.Time) []flight.Observation {
	from, to := [2]float64{31.8495, -106.38}, [2]float64{14.5833, -90.5275}
	var out []flight.Observation
	at := t0
	add := func(lat, lon, alt, gs float64, ground bool, src string) {
		o := flight.Observation{Hex: "ae5a01", Callsign: "RCH821", Time: at, Lat: lat, Lon: lon, AltFt: alt, GSKt: gs,
			OnGround: ground, Source: src, Has: flight.HasAlt | flight.HasGS | flight.HasGround}
		out = append(out, o)
		at = at.Add(5 * time.Second)
	}
	for range 12 {
		add(from[0], from[1], 3950, 10, true, "sbs-elp")
	}
	const n = 6 * 720 // six hours of 5-second fixes
	for i := 1; i <= n; i++ {
		f := float64(i) / n
		alt := 31000.0
		if f < 0.05 {
			alt = 4000 + 27000*f/0.05
		} else if f > 0.95 {
			alt = 5000 + 26000*(1-f)/0.05
		}
		src := "adsbx"
		if f < 0.1 {
			src = "sbs-elp"
		}
		add(from[0]+(to[0]-from[0])*f, from[1]+(to[1]-from[1])*f, alt, 440, false, src)
	}
	for range 12 {
		add(to[0], to[1], 4950, 12, true, "adsbx")
	}
	return out
}

func TestLegKeepsItsWholeLine(t *testing.T) {
	for name, mk := range historyStores(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			st := mk(t)
			h := st.(store.History)
			wl := watch.New([]watch.Entry{{Name: "removals", Hex: []string{"ae5a01"}}}, nil)
			tr := track.New(track.Config{}, track.Deps{Airports: geo.Airports(), Watchlist: wl})
			p := New(st, memory.NewBus(), tr, Options{})
			t0 := time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
			flightObs := sixHourFlight(t0)
			var id string
			prevPts, prevSeen := 0, time.Time{}
			for lo := 0; lo < len(flightObs); lo += 100 {
				batch := flightObs[lo:min(lo+100, len(flightObs))]
				if err := p.Ingest(ctx, batch); err != nil {
					t.Fatal(err)
				}
				legs, err := st.Legs(ctx, store.LegQuery{Hex: "ae5a01"})
				if err != nil || len(legs) != 1 {
					t.Fatalf("Legs = %v, %v; want one leg", legs, err)
				}
				l := legs[0]
				id = l.ID
				if l.Status != flight.LegAirborne || lo+100 >= len(flightObs) || lo < 200 {
					continue
				}
				// Airborne: last_seen and the line follow the flight.
				last := batch[len(batch)-1].Time
				if last.Sub(l.LastSeen) > 35*time.Second || !l.LastSeen.After(prevSeen) {
					t.Fatalf("airborne leg last_seen %v after a batch ending %v (before %v)", l.LastSeen, last, prevSeen)
				}
				lines, err := h.LegLines(ctx, []string{id})
				if err != nil {
					t.Fatal(err)
				}
				if len(lines[0]) <= prevPts {
					t.Fatalf("line has %d points after a batch, before %d: not growing", len(lines[0]), prevPts)
				}
				prevPts, prevSeen = len(lines[0]), l.LastSeen
			}
			legs, _ := st.Legs(ctx, store.LegQuery{Hex: "ae5a01"})
			l := legs[0]
			if l.Status != flight.LegLanded || l.Origin != "KBIF" || l.ActualDestination != "MGGT" {
				t.Fatalf("leg = %s %s→%s, want landed KBIF→MGGT", l.Status, l.Origin, l.ActualDestination)
			}
			if d := l.Arrived.Sub(l.Departed); d < 5*time.Hour+50*time.Minute || d > 6*time.Hour+10*time.Minute {
				t.Errorf("leg flew %v, want about 6 h", d)
			}
			trk, _ := st.Track(ctx, "ae5a01", time.Time{}, time.Time{})
			if len(trk) != 200 {
				t.Errorf("rolling track holds %d points, want 200", len(trk))
			}
			lines, _ := h.LegLines(ctx, []string{id})
			line := lines[0]
			if len(line) < 4000 {
				t.Fatalf("leg line has %d points, want the whole 6-hour flight (~4320)", len(line))
			}
			if d := geo.DistanceKm(orb.Point{line[0].Lon, line[0].Lat}, airport(t, "KBIF")); d > 5 {
				t.Errorf("line starts %.1f km from KBIF, want at the take-off", d)
			}
			if d := geo.DistanceKm(orb.Point{line[len(line)-1].Lon, line[len(line)-1].Lat}, airport(t, "MGGT")); d > 5 {
				t.Errorf("line ends %.1f km from MGGT, want at the landing", d)
			}
			if !line[0].Time.Equal(l.Departed) || line[len(line)-1].Time.After(l.Arrived) {
				t.Errorf("line spans %v..%v, leg %v..%v", line[0].Time, line[len(line)-1].Time, l.Departed, l.Arrived)
			}
			srcs, _ := h.LegSources(ctx, []string{id})
			total := 0
			for _, s := range srcs[0] {
				total += s.Positions
			}
			if len(srcs[0]) != 2 || srcs[0][0].Source != "adsbx" || srcs[0][1].Source != "sbs-elp" || total < 4320 || total > 4340 {
				t.Errorf("sources = %+v (%d positions), want adsbx and sbs-elp over the flight", srcs[0], total)
			}
			counts, err := h.Stats(ctx, store.StatsQuery{By: string(stats.ByCountry)})
			if err != nil || len(counts) != 1 || counts[0].Group != "GTM" || counts[0].Count != 1 {
				t.Errorf("Stats(country) = %+v, %v; want one flight to GTM", counts, err)
			}
		})
	}
}

func airport(t *testing.T, ident string) orb.Point {
	t.Helper()
	a, ok := geo.Airports().Lookup(ident)
	if !ok {
		t.Fatalf("airport %s unknown", ident)
	}
	return a.Point()
}
