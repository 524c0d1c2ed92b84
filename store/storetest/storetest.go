package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/stats"
	"github.com/flightwatch/flightwatch/store"
)

// Config returns the configuration the factory given to Run must build
// its stores with: the suite checks the bounds it sets.
func Config() store.Config {
	return store.Config{H3Res: 3, TrackLen: 50, ReportRes: []int{3, 5, 7}, AlertLen: 20, Keyer: Keyer()}
}

// Keyer is a stats.Keyer over the embedded airports and countries, as
// main builds it. It panics if the embedded data does not parse.
func Keyer() *stats.Keyer {
	airports, err := geo.EmbeddedAirports()
	if err != nil {
		panic(err)
	}
	countries, err := geo.EmbeddedCountries()
	if err != nil {
		panic(err)
	}
	return stats.New(airports, countries)
}

// Run runs the store contract against stores made by factory, a fresh
// empty store per subtest, built with Config().
func Run(t *testing.T, factory func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"PutGetAircraft", testPutGet},
		{"ReplaceAircraft", testReplace},
		{"AircraftIn", testAircraftIn},
		{"MovedAircraftLeavesCell", testMoved},
		{"RemoveAircraft", testRemove},
		{"Track", testTrack},
		{"Legs", testLegs},
		{"Plans", testPlans},
		{"Alerts", testAlerts},
		{"AlertsConcurrentDedupe", testAlertsConcurrent},
		{"ReportsIdempotent", testReportsIdempotent},
		{"ReportsConcurrent", testReportsConcurrent},
		{"ReportsQuery", testReportsQuery},
		{"Cells", testCells},
		{"CellsBadRes", testCellsBadRes},
		{"WriteBatch", testWrite},
		{"TrackKeyedByTime", testTrackKeyed},
		{"Outbox", testOutbox},
		{"Ping", func(t *testing.T, s store.Store) {
			if err := s.Ping(context.Background()); err != nil {
				t.Fatalf("Ping() = %v, want nil", err)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := factory(t)
			tc.fn(t, s)
		})
	}
}

var t0 = time.Date(2025, 1, 24, 12, 0, 0, 0, time.UTC)

func plane(hex string, lat, lon float64, at time.Time) flight.Aircraft {
	return flight.Aircraft{Observation: flight.Observation{Hex: hex, Time: at, Lat: lat, Lon: lon, Source: "test"}}
}

func hexesOf(as []flight.Aircraft) []string {
	out := make([]string, len(as))
	for i := range as {
		out[i] = as[i].Hex
	}
	slices.Sort(out)
	return out
}

func testPutGet(t *testing.T, s store.Store) {
	ctx := context.Background()
	full := flight.Aircraft{
		Observation: flight.Observation{
			Hex: "ae1234", Time: t0.Add(123456789), Lat: 40.6413, Lon: -73.7781,
			AltFt: 35000, GSKt: 450.5, TrackDeg: 271.25, VRateFPM: -640, OnGround: true,
			Has:      flight.HasAlt | flight.HasGS | flight.HasTrack | flight.HasVRate | flight.HasGround,
			Military: true, Callsign: "RCH123", Reg: "05-5140", Type: "C17", Squawk: "7700", Source: "adsb",
		},
		Phase: flight.PhaseCruise, Tags: []string{"military", "removal-charter"}, Watch: "usaf", Leg: "ae1234-1737720000",
	}
	bare := plane("~a00001", -33.9, 151.2, t0)
	if err := s.PutAircraft(ctx, []flight.Aircraft{full, bare}); err != nil {
		t.Fatalf("PutAircraft() = %v", err)
	}
	for _, want := range []flight.Aircraft{full, bare} {
		got, err := s.Aircraft(ctx, want.Hex)
		if err != nil {
			t.Fatalf("Aircraft(%s) = %v", want.Hex, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Aircraft(%s) = %+v, want %+v", want.Hex, got, want)
		}
	}
	if _, err := s.Aircraft(ctx, "abcdef"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Aircraft(unknown) error = %v, want ErrNotFound", err)
	}
	if err := s.PutAircraft(ctx, nil); err != nil {
		t.Errorf("PutAircraft(nil) = %v", err)
	}
}

func testReplace(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := plane("ae0001", 40, -74, t0)
	a.Callsign = "OLD1"
	b := plane("ae0001", 41, -75, t0.Add(time.Second))
	b.Callsign = "NEW1"
	// Both in one batch: the later entry wins, as does a later batch.
	if err := s.PutAircraft(ctx, []flight.Aircraft{a, b}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Aircraft(ctx, "ae0001")
	if err != nil || got.Callsign != "NEW1" {
		t.Fatalf("Aircraft(ae0001) = %q, %v; want NEW1", got.Callsign, err)
	}
	if err := s.PutAircraft(ctx, []flight.Aircraft{a}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Aircraft(ctx, "ae0001")
	if got.Callsign != "OLD1" || got.Lat != 40 {
		t.Errorf("Aircraft(ae0001) after replace = %q at %v, want OLD1 at 40", got.Callsign, got.Lat)
	}
	all, err := s.AircraftIn(ctx, orb.Bound{})
	if err != nil || len(all) != 1 {
		t.Errorf("AircraftIn(all) = %d aircraft, %v; want 1", len(all), err)
	}
}

// world is a set of aircraft placed where bbox edge cases live.
var world = []flight.Aircraft{
	plane("a00001", 40.64, -73.78, t0),  // New York
	plane("a00002", 33.94, -118.41, t0), // Los Angeles
	plane("a00003", 51.47, -0.45, t0),   // London
	plane("a00004", 35.55, 139.78, t0),  // Tokyo
	plane("a00005", -17.75, 179.5, t0),  // Fiji, west of the antimeridian
	plane("a00006", -16.0, -179.5, t0),  // east of the antimeridian
	plane("a00007", -33.94, 151.18, t0), // Sydney
	plane("a00008", 64.8, -147.9, t0),   // Fairbanks
	plane("a00009", 25.0, -80.0, t0),    // off Miami
	plane("a0000a", 19.43, -99.07, t0),  // Mexico City
	plane("a0000b", 71.29, -156.77, t0), // Utqiagvik
	plane("a0000c", -54.8, -68.3, t0),   // Ushuaia
}

func testAircraftIn(t *testing.T, s store.Store) {
	ctx := context.Background()
	if err := s.PutAircraft(ctx, world); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		bbox orb.Bound
		want []string
	}{
		{"everywhere", orb.Bound{}, []string{"a00001", "a00002", "a00003", "a00004", "a00005", "a00006", "a00007", "a00008", "a00009", "a0000a", "a0000b", "a0000c"}},
		{"continental US", orb.Bound{Min: orb.Point{-130, 20}, Max: orb.Point{-60, 55}}, []string{"a00001", "a00002", "a00009"}},
		{"tight around New York", orb.Bound{Min: orb.Point{-73.8, 40.6}, Max: orb.Point{-73.7, 40.7}}, []string{"a00001"}},
		{"just misses New York", orb.Bound{Min: orb.Point{-73.77, 40.6}, Max: orb.Point{-73.7, 40.7}}, nil},
		{"Europe", orb.Bound{Min: orb.Point{-10, 35}, Max: orb.Point{30, 60}}, []string{"a00003"}},
		{"across the antimeridian", orb.Bound{Min: orb.Point{170, -30}, Max: orb.Point{-170, 0}}, []string{"a00005", "a00006"}},
		{"Pacific rim across the antimeridian", orb.Bound{Min: orb.Point{120, -60}, Max: orb.Point{-140, 80}}, []string{"a00004", "a00005", "a00006", "a00007", "a00008", "a0000b"}},
		{"whole world", orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, []string{"a00001", "a00002", "a00003", "a00004", "a00005", "a00006", "a00007", "a00008", "a00009", "a0000a", "a0000b", "a0000c"}},
		{"empty ocean", orb.Bound{Min: orb.Point{-40, -40}, Max: orb.Point{-20, -20}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.AircraftIn(ctx, tc.bbox)
			if err != nil {
				t.Fatalf("AircraftIn(%v) = %v", tc.bbox, err)
			}
			if h := hexesOf(got); !slices.Equal(h, tc.want) {
				t.Errorf("AircraftIn(%v) = %v, want %v", tc.bbox, h, tc.want)
			}
		})
	}
}

func testMoved(t *testing.T, s store.Store) {
	ctx := context.Background()
	us := orb.Bound{Min: orb.Point{-130, 20}, Max: orb.Point{-60, 55}}
	eu := orb.Bound{Min: orb.Point{-10, 35}, Max: orb.Point{30, 60}}
	// Move step by step across the Atlantic, each step in a new cell.
	for i, lon := range []float64{-74, -60, -40, -20, -0.45} {
		a := plane("a10001", 45, lon, t0.Add(time.Duration(i)*time.Hour))
		if err := s.PutAircraft(ctx, []flight.Aircraft{a}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		bbox orb.Bound
		want int
	}{{"old region", us, 0}, {"new region", eu, 1}, {"everywhere", orb.Bound{}, 1}} {
		got, err := s.AircraftIn(ctx, tc.bbox)
		if err != nil || len(got) != tc.want {
			t.Errorf("%s: AircraftIn(%v) = %v, %v; want %d aircraft", tc.name, tc.bbox, hexesOf(got), err, tc.want)
		}
	}
}

func testRemove(t *testing.T, s store.Store) {
	ctx := context.Background()
	old, fresh := plane("a20001", 40, -74, t0), plane("a20002", 41, -74, t0.Add(time.Minute))
	if err := s.PutAircraft(ctx, []flight.Aircraft{old, fresh}); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendTrack(ctx, []flight.TrackPoint{old.Point()}); err != nil {
		t.Fatal(err)
	}
	gone, err := s.RemoveAircraft(ctx, t0.Add(30*time.Second))
	if err != nil || !slices.Equal(gone, []string{"a20001"}) {
		t.Fatalf("RemoveAircraft() = %v, %v; want [a20001]", gone, err)
	}
	if _, err := s.Aircraft(ctx, "a20001"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Aircraft(removed) error = %v, want ErrNotFound", err)
	}
	in, _ := s.AircraftIn(ctx, orb.Bound{Min: orb.Point{-80, 35}, Max: orb.Point{-70, 45}})
	if h := hexesOf(in); !slices.Equal(h, []string{"a20002"}) {
		t.Errorf("AircraftIn() after remove = %v, want [a20002]", h)
	}
	all, _ := s.AircraftIn(ctx, orb.Bound{})
	if h := hexesOf(all); !slices.Equal(h, []string{"a20002"}) {
		t.Errorf("AircraftIn(all) after remove = %v, want [a20002]", h)
	}
	if trk, err := s.Track(ctx, "a20001", time.Time{}, time.Time{}); err != nil || len(trk) != 1 {
		t.Errorf("Track(removed) = %d points, %v; want its history kept", len(trk), err)
	}
	gone, err = s.RemoveAircraft(ctx, t0.Add(30*time.Second))
	if err != nil || len(gone) != 0 {
		t.Errorf("RemoveAircraft() again = %v, %v; want none", gone, err)
	}
	// Re-adding after removal indexes it again.
	if err := s.PutAircraft(ctx, []flight.Aircraft{old}); err != nil {
		t.Fatal(err)
	}
	in, _ = s.AircraftIn(ctx, orb.Bound{Min: orb.Point{-80, 35}, Max: orb.Point{-70, 45}})
	if h := hexesOf(in); !slices.Equal(h, []string{"a20001", "a20002"}) {
		t.Errorf("AircraftIn() after re-adding = %v, want both", h)
	}
}
