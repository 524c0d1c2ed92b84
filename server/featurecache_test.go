package server

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
)

func TestFeatureCacheFollowsState(t *testing.T) {
	t0 := time.Date(2025, 1, 24, 14, 3, 5, 0, time.UTC)
	base := flight.Aircraft{Observation: flight.Observation{Hex: "ae1234", Time: t0, Lat: 31.85, Lon: -106.38,
		AltFt: 4500, Has: flight.HasAlt, Callsign: "RCH821"}, Phase: flight.PhaseCruise}
	change := []struct {
		name string
		edit func(a *flight.Aircraft)
	}{
		{"same", func(a *flight.Aircraft) {}},
		{"moved", func(a *flight.Aircraft) { a.Lon += 0.01 }},
		{"newer", func(a *flight.Aircraft) { a.Time = a.Time.Add(time.Second) }},
		{"same instant elsewhere", func(a *flight.Aircraft) { a.Time = a.Time.In(time.FixedZone("x", 3600)) }},
		{"tagged at the same time", func(a *flight.Aircraft) { a.Tags = []string{"military"} }},
		{"tag renamed", func(a *flight.Aircraft) { a.Tags = []string{"removal-charter"} }},
		{"watched", func(a *flight.Aircraft) { a.Watch = "ice-air" }},
		{"leg", func(a *flight.Aircraft) { a.Leg = "ae1234-1737727385" }},
		{"phase", func(a *flight.Aircraft) { a.Phase = flight.PhaseDescent }},
		{"altitude unknown", func(a *flight.Aircraft) { a.Has = 0 }},
		{"callsign", func(a *flight.Aircraft) { a.Callsign = "RCH822" }},
	}
	var c featureCache
	a := base
	for _, tc := range change {
		t.Run(tc.name, func(t *testing.T) {
			tc.edit(&a)
			got := string(c.Append([]byte("x"), &a))
			want := "x" + string(appendAircraftFeature(nil, &a))
			if got != want {
				t.Errorf("Append = %s, want %s", got, want)
			}
		})
	}
	// The cache keeps its own copy of the tags.
	a.Tags = []string{"military"}
	_ = c.Append(nil, &a)
	a.Tags[0] = "other"
	if got, want := string(c.Append(nil, &a)), string(appendAircraftFeature(nil, &a)); got != want {
		t.Errorf("Append after the tags were edited in place = %s, want %s", got, want)
	}
}

func TestFeatureCacheBounded(t *testing.T) {
	var c featureCache
	a := flight.Aircraft{Observation: flight.Observation{Time: time.Unix(1e9, 0).UTC(), Lat: 1, Lon: 2}}
	for i := range maxCachedFeatures + 5000 {
		a.Hex = fmt.Sprintf("%06x", i)
		_ = c.Append(nil, &a)
	}
	if n := c.Len(); n > maxCachedFeatures || n < maxCachedFeatures/2 {
		t.Errorf("Len() = %d after %d aircraft, want at most %d and most of them", n, maxCachedFeatures+5000, maxCachedFeatures)
	}
}

func TestFeatureCacheConcurrent(t *testing.T) {
	var c featureCache
	air := fleet(200)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 50 {
				for i := range air {
					a := air[i]
					a.Lon += float64((round + g) % 3)
					if got, want := string(c.Append(nil, &a)), string(appendAircraftFeature(nil, &a)); got != want {
						t.Errorf("Append(%s) = %s, want %s", a.Hex, got, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// TestGetAircraftListSeesChanges reads a bbox, changes one aircraft's tags
// without a new position, and reads again: the answer shows the change.
func TestGetAircraftListSeesChanges(t *testing.T) {
	ctx := context.Background()
	st := memory.New(store.Config{})
	air := fleet(50)
	if err := st.PutAircraft(ctx, air); err != nil {
		t.Fatal(err)
	}
	in := startServer(t, Config{}, st, nil)
	get := func() map[string][]string {
		code, _, body := do(t, "GET", in.url+"/api/v1/aircraft", "", "", nil)
		if code != http.StatusOK {
			t.Fatalf("GET = %d %s", code, body)
		}
		out := map[string][]string{}
		for _, f := range featureCollection(t, body).Features {
			var tags []string
			if l, ok := f.Properties["tags"].([]any); ok {
				for _, v := range l {
					tags = append(tags, v.(string))
				}
			}
			out[fmt.Sprint(f.ID)] = tags
		}
		return out
	}
	if got := get(); len(got) != len(air) || got[air[7].Hex] != nil {
		t.Fatalf("first GET: %d features, %s tags %v; want %d, no tags", len(got), air[7].Hex, got[air[7].Hex], len(air))
	}
	air[7].Tags = []string{"military"}
	if err := st.PutAircraft(ctx, air[7:8]); err != nil {
		t.Fatal(err)
	}
	if got := get(); fmt.Sprint(got[air[7].Hex]) != "[military]" {
		t.Errorf("second GET: %s tags %v, want [military]", air[7].Hex, got[air[7].Hex])
	}
}

func TestCellHeadsMatchEncoding(t *testing.T) {
	var h cellHeads
	cells := cellSet{
		{Cell: geo.Cell(40.73, -74.17, 5), Res: 5, Count: 12, Reports: 3, Sources: map[string]int{"news": 12}},
		{Cell: geo.Cell(-16.5, 179.99, 3), Res: 3, Count: 7, Reports: 1}, // across the antimeridian
		{Cell: geo.Cell(31.85, -106.38, 7), Res: 7, Count: 5, Reports: 5},
	}
	set := cachedCellSet{cells, &h}
	for round := range 2 { // filling the cache, then reading it
		for i := range cells {
			got, want := string(set.AppendFeature([]byte("x"), i)), "x"+string(cells.AppendFeature(nil, i))
			if got != want {
				t.Errorf("round %d: AppendFeature(%d) = %s, want %s", round, i, got, want)
			}
		}
	}
}
