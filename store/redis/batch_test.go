package redis

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/storetest"
)

// TestPutWithTrack checks that one PutWithTrack stores what PutAircraft
// and AppendTrack would, and that a later one moves the index entry of an
// aircraft that changed cell.
func TestPutWithTrack(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, randomPrefix(t), storetest.Config())
	t0 := time.Date(2025, 1, 24, 12, 0, 0, 0, time.UTC)
	east := orb.Bound{Min: orb.Point{-75, 39}, Max: orb.Point{-73, 41}}
	west := orb.Bound{Min: orb.Point{-119, 33}, Max: orb.Point{-117, 35}}
	steps := []struct {
		name     string
		ac       []flight.Aircraft
		pts      []flight.TrackPoint
		wantEast []string
		wantWest []string
		wantPts  int
	}{
		{"first sight", []flight.Aircraft{
			{Observation: flight.Observation{Hex: "a00001", Time: t0, Lat: 40, Lon: -74}},
			{Observation: flight.Observation{Hex: "a00002", Time: t0, Lat: 40.1, Lon: -74.1}},
		}, []flight.TrackPoint{
			{Hex: "a00001", Time: t0, Lat: 40, Lon: -74},
			{Hex: "a00002", Time: t0, Lat: 40.1, Lon: -74.1},
		}, []string{"a00001", "a00002"}, nil, 1},
		{"one moves across the country", []flight.Aircraft{
			{Observation: flight.Observation{Hex: "a00001", Time: t0.Add(time.Minute), Lat: 34, Lon: -118}},
			{Observation: flight.Observation{Hex: "a00002", Time: t0.Add(time.Minute), Lat: 40.1001, Lon: -74.1001}},
		}, []flight.TrackPoint{
			{Hex: "a00001", Time: t0.Add(time.Minute), Lat: 34, Lon: -118},
		}, []string{"a00002"}, []string{"a00001"}, 2},
		{"track only", nil, []flight.TrackPoint{
			{Hex: "a00001", Time: t0.Add(2 * time.Minute), Lat: 34.01, Lon: -118},
		}, []string{"a00002"}, []string{"a00001"}, 3},
		{"aircraft only", []flight.Aircraft{
			{Observation: flight.Observation{Hex: "a00001", Time: t0.Add(3 * time.Minute), Lat: 40, Lon: -74}},
		}, nil, []string{"a00001", "a00002"}, nil, 3},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := s.PutWithTrack(ctx, st.ac, st.pts); err != nil {
				t.Fatalf("PutWithTrack() = %v", err)
			}
			for _, b := range []struct {
				name string
				box  orb.Bound
				want []string
			}{{"east", east, st.wantEast}, {"west", west, st.wantWest}} {
				got, err := s.AircraftIn(ctx, b.box)
				if err != nil {
					t.Fatal(err)
				}
				if hexes := hexesOf(got); !equalSets(hexes, b.want) {
					t.Errorf("AircraftIn(%s) = %v, want %v", b.name, hexes, b.want)
				}
			}
			pts, err := s.Track(ctx, "a00001", time.Time{}, time.Time{})
			if err != nil || len(pts) != st.wantPts {
				t.Errorf("Track(a00001) = %d points, %v; want %d", len(pts), err, st.wantPts)
			}
		})
	}
	// Each aircraft sits in exactly one cell set.
	for _, hex := range []string{"a00001", "a00002"} {
		keys, err := s.Client().Keys(ctx, s.k.CellPattern()).Result()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, k := range keys {
			if ok, _ := s.Client().SIsMember(ctx, k, hex).Result(); ok {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%s is a member of %d cell sets, want 1", hex, n)
		}
	}
	if err := s.PutWithTrack(ctx, nil, nil); err != nil {
		t.Errorf("PutWithTrack(nothing) = %v", err)
	}
}

func TestPutLegs(t *testing.T) {
	ctx := context.Background()
	s := newTestStore(t, randomPrefix(t), storetest.Config())
	t0 := time.Date(2025, 1, 24, 12, 0, 0, 0, time.UTC)
	legs := []flight.Leg{
		{ID: "a00001-1", Hex: "a00001", Status: flight.LegAirborne, FirstSeen: t0, LastSeen: t0},
		{ID: "a00002-1", Hex: "a00002", Status: flight.LegAirborne, FirstSeen: t0, LastSeen: t0},
		{ID: "a00001-1", Hex: "a00001", Status: flight.LegLanded, FirstSeen: t0, LastSeen: t0.Add(time.Hour)},
	}
	if err := s.PutLegs(ctx, legs); err != nil {
		t.Fatalf("PutLegs() = %v", err)
	}
	if err := s.PutLegs(ctx, nil); err != nil {
		t.Fatalf("PutLegs(nil) = %v", err)
	}
	got, err := s.Legs(ctx, store.LegQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "a00001-1" || got[0].Status != flight.LegLanded || got[1].ID != "a00002-1" {
		t.Errorf("Legs() = %+v, want a00001-1 landed (newest), then a00002-1", got)
	}
}

func hexesOf(list []flight.Aircraft) []string {
	out := make([]string, len(list))
	for i := range list {
		out[i] = list[i].Hex
	}
	return out
}

func equalSets(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := make(map[string]int)
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}
