package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

func testTrack(t *testing.T, s store.Store) {
	ctx := context.Background()
	n := Config().TrackLen + 10
	pts := make([]flight.TrackPoint, n)
	for i := range pts {
		pts[i] = flight.TrackPoint{Hex: "a30001", Time: t0.Add(time.Duration(i) * time.Second), Lat: 40 + float64(i)/100, Lon: -74}
		if i%2 == 0 {
			pts[i].AltFt, pts[i].Has = float64(1000*i), flight.HasAlt
		}
	}
	other := flight.TrackPoint{Hex: "a30002", Time: t0, Lat: 1, Lon: 1}
	shuffled := slices.Clone(pts)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	// In several batches, out of order, with one point repeated.
	if err := s.AppendTrack(ctx, append(shuffled[:n/2:n/2], other)); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendTrack(ctx, append(slices.Clone(shuffled[n/2:]), shuffled[0])); err != nil {
		t.Fatal(err)
	}
	newest := pts[n-Config().TrackLen:]
	tests := []struct {
		name         string
		since, until time.Time
		want         []flight.TrackPoint
	}{
		{"all kept, bounded, ordered", time.Time{}, time.Time{}, newest},
		{"since inclusive", pts[n-5].Time, time.Time{}, pts[n-5:]},
		{"until inclusive", time.Time{}, newest[2].Time, newest[:3]},
		{"window", pts[20].Time, pts[22].Time, pts[20:23]},
		{"window between points", pts[20].Time.Add(time.Millisecond), pts[22].Time.Add(-time.Millisecond), pts[21:22]},
		{"before the kept points", time.Time{}, pts[0].Time, []flight.TrackPoint{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Track(ctx, "a30001", tc.since, tc.until)
			if err != nil {
				t.Fatalf("Track() = %v", err)
			}
			if len(got) != len(tc.want) || (len(got) > 0 && !reflect.DeepEqual(got, tc.want)) {
				t.Errorf("Track(%v, %v) = %d points, want %d\n got %v\nwant %v", tc.since, tc.until, len(got), len(tc.want), got, tc.want)
			}
		})
	}
	if got, _ := s.Track(ctx, "a30002", time.Time{}, time.Time{}); len(got) != 1 || got[0] != other {
		t.Errorf("Track(a30002) = %v, want [%v]", got, other)
	}
	if got, err := s.Track(ctx, "ffffff", time.Time{}, time.Time{}); err != nil || len(got) != 0 {
		t.Errorf("Track(unknown) = %v, %v; want empty", got, err)
	}
}

func testLegs(t *testing.T, s store.Store) {
	ctx := context.Background()
	mk := func(id, hex string, st flight.LegStatus, last time.Duration) flight.Leg {
		return flight.Leg{ID: id, Hex: hex, Status: st, Callsign: "C" + id, FirstSeen: t0, LastSeen: t0.Add(last),
			Departed: t0.Add(time.Minute), LastLat: 40.5, LastLon: -73.25, Tags: []string{"x"}}
	}
	legs := []flight.Leg{
		mk("l1", "a40001", flight.LegLanded, time.Hour),
		mk("l2", "a40001", flight.LegAirborne, 3*time.Hour),
		mk("l3", "a40002", flight.LegAirborne, 2*time.Hour),
		mk("l4", "a40003", flight.LegTaxi, 4*time.Hour),
	}
	legs[2].Class = flight.ClassRemoval
	legs[3].FirstSeen = t0.Add(3 * time.Hour)
	for _, l := range legs {
		if err := s.PutLeg(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	// Replacing l1 moves it in the order.
	l1 := legs[0]
	l1.LastSeen, l1.Status = t0.Add(5*time.Hour), flight.LegSignalLost
	if err := s.PutLeg(ctx, l1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		q    store.LegQuery
		want []string
	}{
		{"all newest first", store.LegQuery{}, []string{"l1", "l4", "l2", "l3"}},
		{"status", store.LegQuery{Status: flight.LegAirborne}, []string{"l2", "l3"}},
		{"hex", store.LegQuery{Hex: "a40001"}, []string{"l1", "l2"}},
		{"since inclusive", store.LegQuery{Since: t0.Add(3 * time.Hour)}, []string{"l1", "l4", "l2"}},
		{"until exclusive", store.LegQuery{Until: t0.Add(3 * time.Hour)}, []string{"l1", "l2", "l3"}},
		{"since and until", store.LegQuery{Since: t0.Add(3 * time.Hour), Until: t0.Add(3 * time.Hour)}, []string{"l1", "l2"}},
		{"class", store.LegQuery{Class: flight.ClassRemoval}, []string{"l3"}},
		{"limit", store.LegQuery{Limit: 2}, []string{"l1", "l4"}},
		{"filters and limit", store.LegQuery{Status: flight.LegAirborne, Limit: 1}, []string{"l2"}},
		{"none", store.LegQuery{Hex: "ffffff"}, []string{}},
		{"offset and limit", store.LegQuery{Offset: 1, Limit: 2}, []string{"l4", "l2"}},
		{"offset without limit", store.LegQuery{Offset: 3}, []string{"l3"}},
		{"offset past the end", store.LegQuery{Offset: 9, Limit: 2}, []string{}},
		{"offset with filters", store.LegQuery{Hex: "a40001", Offset: 1, Limit: 5}, []string{"l2"}},
		{"offset with since", store.LegQuery{Since: t0.Add(3 * time.Hour), Offset: 1, Limit: 1}, []string{"l4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Legs(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			ids := make([]string, len(got))
			for i := range got {
				ids[i] = got[i].ID
			}
			if !slices.Equal(ids, tc.want) {
				t.Errorf("Legs(%+v) = %v, want %v", tc.q, ids, tc.want)
			}
		})
	}
	got, _ := s.Legs(ctx, store.LegQuery{Hex: "a40001", Status: flight.LegSignalLost})
	if len(got) != 1 || !reflect.DeepEqual(got[0], l1) {
		t.Errorf("Legs(l1) = %+v, want %+v", got, l1)
	}
}

func testPlans(t *testing.T, s store.Store) {
	ctx := context.Background()
	p1 := flight.Plan{ID: "p1", Origin: "KBIF", Destination: "MGGT", Hex: "ae1234", Departure: t0, Note: "n"}
	p2 := flight.Plan{ID: "p0", Origin: "KAEX", Destination: "MHSC", Callsign: "GXA123"}
	for _, p := range []flight.Plan{p1, p2} {
		if err := s.PutPlan(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	p1.Destination = "MSLP"
	if err := s.PutPlan(ctx, p1); err != nil {
		t.Fatal(err)
	}
	got, err := s.Plans(ctx)
	if err != nil || !reflect.DeepEqual(got, []flight.Plan{p2, p1}) {
		t.Errorf("Plans() = %+v, %v; want %+v", got, err, []flight.Plan{p2, p1})
	}
	if err := s.DeletePlan(ctx, "p0"); err != nil {
		t.Errorf("DeletePlan(p0) = %v", err)
	}
	if err := s.DeletePlan(ctx, "p0"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeletePlan(p0) again = %v, want ErrNotFound", err)
	}
	got, _ = s.Plans(ctx)
	if !reflect.DeepEqual(got, []flight.Plan{p1}) {
		t.Errorf("Plans() after delete = %+v, want [p1]", got)
	}
}

func alert(key string, typ flight.AlertType, hex string, at time.Time) flight.Alert {
	return flight.Alert{Key: key, Type: typ, Hex: hex, Time: at, Message: "m " + key, Lat: 1.5, Lon: -2.5}
}

func testAlerts(t *testing.T, s store.Store) {
	ctx := context.Background()
	in := []flight.Alert{
		alert("k1", flight.AlertDeparted, "a50001", t0),
		alert("k2", flight.AlertLanded, "a50001", t0.Add(time.Hour)),
		alert("k3", flight.AlertDeparted, "a50002", t0.Add(2*time.Hour)),
	}
	in[2].ID = "given-id"
	var ids []string
	for i := range in {
		added, err := s.AddAlert(ctx, &in[i])
		if err != nil || !added {
			t.Fatalf("AddAlert(%s) = %v, %v; want added", in[i].Key, added, err)
		}
		if in[i].ID == "" {
			t.Fatalf("AddAlert(%s) left ID empty", in[i].Key)
		}
		ids = append(ids, in[i].ID)
	}
	if in[2].ID != "given-id" {
		t.Errorf("AddAlert changed a given ID to %q", in[2].ID)
	}
	if ids[0] == ids[1] {
		t.Errorf("AddAlert assigned the same ID %q twice", ids[0])
	}
	dup := alert("k1", flight.AlertDeparted, "a50001", t0.Add(time.Minute))
	if added, err := s.AddAlert(ctx, &dup); err != nil || added {
		t.Errorf("AddAlert(duplicate key) = %v, %v; want not added", added, err)
	}
	tests := []struct {
		name string
		q    store.AlertQuery
		want []string
	}{
		{"all newest first", store.AlertQuery{}, []string{"k3", "k2", "k1"}},
		{"type", store.AlertQuery{Type: flight.AlertDeparted}, []string{"k3", "k1"}},
		{"hex", store.AlertQuery{Hex: "a50001"}, []string{"k2", "k1"}},
		{"since inclusive", store.AlertQuery{Since: t0.Add(time.Hour)}, []string{"k3", "k2"}},
		{"until exclusive", store.AlertQuery{Until: t0.Add(time.Hour)}, []string{"k1"}},
		{"limit", store.AlertQuery{Limit: 1}, []string{"k3"}},
		{"none", store.AlertQuery{Type: flight.AlertHolding}, []string{}},
		{"offset and limit", store.AlertQuery{Offset: 1, Limit: 1}, []string{"k2"}},
		{"offset with type", store.AlertQuery{Type: flight.AlertDeparted, Offset: 1}, []string{"k1"}},
		{"offset past the end", store.AlertQuery{Offset: 5}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Alerts(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			keys := make([]string, len(got))
			for i := range got {
				keys[i] = got[i].Key
			}
			if !slices.Equal(keys, tc.want) {
				t.Errorf("Alerts(%+v) = %v, want %v", tc.q, keys, tc.want)
			}
		})
	}
	got, _ := s.Alerts(ctx, store.AlertQuery{Limit: 1})
	if len(got) != 1 || !reflect.DeepEqual(got[0], in[2]) {
		t.Errorf("Alerts()[0] = %+v, want %+v", got, in[2])
	}
	// The log keeps AlertLen alerts; a rotated-out cause stays deduplicated.
	max := Config().AlertLen
	for i := range max + 5 {
		a := alert(fmt.Sprintf("bulk-%d", i), flight.AlertHolding, "a50003", t0.Add(time.Duration(i)*time.Second))
		if _, err := s.AddAlert(ctx, &a); err != nil {
			t.Fatal(err)
		}
	}
	all, err := s.Alerts(ctx, store.AlertQuery{})
	if err != nil || len(all) != max {
		t.Errorf("Alerts() = %d alerts, %v; want %d kept", len(all), err, max)
	}
	if added, _ := s.AddAlert(ctx, &dup); added {
		t.Errorf("AddAlert(duplicate of rotated-out alert) added it again")
	}
}

func testAlertsConcurrent(t *testing.T, s store.Store) {
	ctx := context.Background()
	const workers = 8
	added := make(chan bool, workers*10)
	errs := make(chan error, workers*10)
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 10 {
				a := alert(fmt.Sprintf("c-%d", i), flight.AlertEmergency, "a60001", t0)
				a.Message = fmt.Sprint("worker ", w)
				ok, err := s.AddAlert(ctx, &a)
				added <- ok
				errs <- err
			}
		}()
	}
	for range workers {
		<-done
	}
	close(added)
	close(errs)
	n := 0
	for ok := range added {
		if ok {
			n++
		}
	}
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n != 10 {
		t.Errorf("concurrent AddAlert added %d, want 10", n)
	}
	if got, _ := s.Alerts(ctx, store.AlertQuery{}); len(got) != 10 {
		t.Errorf("Alerts() = %d, want 10", len(got))
	}
}
