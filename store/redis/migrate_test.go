package redis

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/redis/internal/keyspace"
	"github.com/flightwatch/flightwatch/store/redis/migrate"
	"github.com/flightwatch/flightwatch/store/storetest"
)

// toOldLayout rewrites every key of s's prefix into the single-tag layout
// the store used before its keys spread: each key becomes "{p}:<name>",
// the aircraft hashes and last-seen sets of all partitions merge into
// "{p}:ac", "{p}:acell" and "{p}:seen", the report hashes of all months
// into "{p}:rep". Raw commands only, as the old store wrote them.
func toOldLayout(t *testing.T, ctx context.Context, s *Store) {
	t.Helper()
	g := keyspace.Glob(s.k.Prefix())
	var spread []string
	for _, pattern := range []string{"{" + g + ":p:??}:*", "{" + g + ":c:*}:*", "{" + g + ":m:*}:*"} {
		if err := s.scan(ctx, pattern, 1000, func(ks []string) error {
			spread = append(spread, ks...)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	c := s.Client()
	old := "{" + s.k.Prefix() + "}:"
	for _, key := range spread {
		name := key[strings.Index(key, "}:")+2:]
		var err error
		switch name {
		case "ac", "acell", "rep":
			var kv map[string]string
			if kv, err = c.HGetAll(ctx, key).Result(); err == nil {
				err = c.HSet(ctx, old+name, kv).Err()
			}
		case "seen":
			var zs []goredis.Z
			if zs, err = c.ZRangeWithScores(ctx, key, 0, -1).Result(); err == nil {
				err = c.ZAdd(ctx, old+name, zs...).Err()
			}
		default:
			var dump string
			if dump, err = c.Dump(ctx, key).Result(); err == nil {
				err = c.Restore(ctx, old+name, 0, dump).Err()
			}
		}
		if err == nil {
			err = c.Del(ctx, key).Err()
		}
		if err != nil {
			t.Fatalf("to old layout: %s: %v", key, err)
		}
	}
	// the old layout had no claims of report ids
	if err := c.Del(ctx, s.k.ReportIDs()).Err(); err != nil {
		t.Fatal(err)
	}
}

// snapshot is what the store reads back.
type snapshot struct {
	All, Region []flight.Aircraft
	Track       []flight.TrackPoint
	Reports     []flight.Report
	Cells       []store.CellCount
	Lines       [][]flight.TrackPoint
	Sources     [][]store.SourceSeen
	Legs        []flight.Leg
	Alerts      []flight.Alert
	Held        store.Held
}

func read(t *testing.T, ctx context.Context, s *Store, hex, leg string) snapshot {
	t.Helper()
	var sn snapshot
	var err error
	byHex := func(a, b flight.Aircraft) int { return strings.Compare(a.Hex, b.Hex) }
	if sn.All, err = s.AircraftIn(ctx, orb.Bound{}); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(sn.All, byHex)
	if sn.Region, err = s.AircraftIn(ctx, orb.Bound{Min: orb.Point{-100, 30}, Max: orb.Point{-90, 40}}); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(sn.Region, byHex)
	if sn.Track, err = s.Track(ctx, hex, time.Time{}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if sn.Reports, err = s.Reports(ctx, store.ReportQuery{}); err != nil {
		t.Fatal(err)
	}
	if sn.Cells, err = s.Cells(ctx, store.CellQuery{Res: 5}); err != nil {
		t.Fatal(err)
	}
	if sn.Lines, err = s.LegLines(ctx, []string{leg}); err != nil {
		t.Fatal(err)
	}
	if sn.Sources, err = s.LegSources(ctx, []string{leg}); err != nil {
		t.Fatal(err)
	}
	if sn.Legs, err = s.Legs(ctx, store.LegQuery{}); err != nil {
		t.Fatal(err)
	}
	if sn.Alerts, err = s.Alerts(ctx, store.AlertQuery{}); err != nil {
		t.Fatal(err)
	}
	if sn.Held, err = s.Held(ctx); err != nil {
		t.Fatal(err)
	}
	return sn
}

// testMigrate writes through the store, rewrites it into the single-tag
// layout, and checks that migrate.Run (dry, interrupted, whole, again) brings
// back what the store read before.
func testMigrate(t *testing.T, s *Store) {
	ctx := context.Background()
	t0 := time.Date(2025, 3, 30, 12, 0, 0, 0, time.UTC)
	var b store.Batch
	for i := range 300 {
		a := flight.Aircraft{Observation: flight.Observation{Hex: fmt.Sprintf("%06x", 0xa10000+i*13), Time: t0,
			Lat: 25 + float64(i%20), Lon: -120 + float64(i/20)*3, AltFt: 30000, Has: flight.HasAlt, Source: "test"}}
		b.Aircraft = append(b.Aircraft, a)
		b.Track = append(b.Track, a.Point())
		a.Time = t0.Add(time.Minute)
		b.Track = append(b.Track, a.Point())
	}
	hex := b.Aircraft[7].Hex
	leg := flight.Leg{ID: hex + "-1743336000", Hex: hex, Status: flight.LegAirborne, FirstSeen: t0, LastSeen: t0.Add(time.Minute)}
	b.Legs = []flight.Leg{leg}
	b.Alerts = []flight.Alert{{Key: "m1", Type: flight.AlertDeparted, Time: t0, Hex: hex, Flight: leg.ID}}
	if _, err := s.Write(ctx, &b); err != nil {
		t.Fatalf("Write() = %v", err)
	}
	if err := s.AppendLegLine(ctx, []store.LegPoints{{Leg: leg.ID, Points: b.Track[14:16],
		Seen: []store.SourceSeen{{Source: "test", First: t0, Last: t0.Add(time.Minute), Positions: 2}}}}); err != nil {
		t.Fatalf("AppendLegLine() = %v", err)
	}
	var reports []flight.Report
	for i := range 120 { // across the end of March
		reports = append(reports, flight.Report{ID: fmt.Sprintf("mr%d", i), Time: t0.Add(time.Duration(i) * time.Hour),
			Lat: 30 + float64(i%9), Lon: -100 + float64(i%7), Count: 1 + i%3, Category: "unknown", Source: "test"})
	}
	if _, err := s.AddReports(ctx, reports); err != nil {
		t.Fatalf("AddReports() = %v", err)
	}
	want := read(t, ctx, s, hex, leg.ID)
	if len(want.All) != 300 || len(want.Track) != 2 || len(want.Reports) != 120 || len(want.Lines[0]) != 2 {
		t.Fatalf("before: %d aircraft, %d track points, %d reports, %d line points; want 300, 2, 120, 2",
			len(want.All), len(want.Track), len(want.Reports), len(want.Lines[0]))
	}

	toOldLayout(t, ctx, s)
	c := s.Client()
	for _, key := range []string{"ac", "acell", "seen", "rep", "trk:" + hex, "lline:" + leg.ID, "lsrc:" + leg.ID, "rday:20250331", "agg:5:20250401", "magg:5:202503", "legs", "alerts"} {
		if n, err := c.Exists(ctx, "{"+s.k.Prefix()+"}:"+key).Result(); err != nil || n != 1 {
			t.Fatalf("old layout: EXISTS {%s}:%s = %d, %v; want 1", s.k.Prefix(), key, n, err)
		}
	}
	if got, err := s.AircraftIn(ctx, orb.Bound{}); err != nil || len(got) != 0 {
		t.Fatalf("store on the old layout: AircraftIn() = %d aircraft, %v; want none", len(got), err)
	}

	dry, err := migrate.Run(ctx, c, s.k.Prefix(), true)
	if err != nil {
		t.Fatalf("Run(dry run) = %v", err)
	}
	if dry.Moved == 0 || dry.Found["trk"] != 300 || dry.Found["ac"] != 1 || len(dry.Kept) != 0 {
		t.Errorf("Run(dry run) = %+v; want 300 tracks, 1 aircraft hash, keys to move, none kept", dry)
	}
	if got, err := s.AircraftIn(ctx, orb.Bound{}); err != nil || len(got) != 0 {
		t.Fatalf("after a dry run: AircraftIn() = %d aircraft, %v; want none", len(got), err)
	}

	// An interrupted run: a month aggregate already copied, not deleted.
	dump, err := c.Dump(ctx, "{"+s.k.Prefix()+"}:magg:5:202503").Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Restore(ctx, s.k.MonthAgg(5, 2025*12+2), 0, dump).Err(); err != nil {
		t.Fatal(err)
	}

	got, err := migrate.Run(ctx, c, s.k.Prefix(), false)
	if err != nil {
		t.Fatalf("Run() = %v", err)
	}
	if got.Moved != dry.Moved || len(got.Kept) != 0 {
		t.Errorf("Run() = %+v; want %d moved as the dry run said, none kept", got, dry.Moved)
	}
	t.Logf("Run() = moved %d keys, %d fields, found %v", got.Moved, got.Fields, got.Found)
	after := read(t, ctx, s, hex, leg.ID)
	if !reflect.DeepEqual(after, want) {
		t.Errorf("after Run the store reads\n%+v\nwant\n%+v", after.Held, want.Held)
		for _, f := range []string{"All", "Region", "Track", "Reports", "Cells", "Lines", "Sources", "Legs", "Alerts"} {
			if !reflect.DeepEqual(reflect.ValueOf(after).FieldByName(f).Interface(), reflect.ValueOf(want).FieldByName(f).Interface()) {
				t.Errorf("%s differs", f)
			}
		}
	}
	// the migrated reports' ids are claimed: one re-sent with a time in
	// another month is still the one stored
	moved := reports[0]
	moved.Time = moved.Time.AddDate(0, 3, 0)
	if n, err := s.AddReports(ctx, []flight.Report{moved}); err != nil || n != 0 {
		t.Errorf("AddReports(migrated report three months later) = %d, %v; want 0", n, err)
	}
	again, err := migrate.Run(ctx, c, s.k.Prefix(), false)
	if err != nil || again.Moved != 0 || len(again.Found) != 0 {
		t.Errorf("Run() again = %+v, %v; want nothing found", again, err)
	}

	// A leg line the new layout holds with other content stays, listed.
	oldLine := "{" + s.k.Prefix() + "}:lline:" + hex + "-1"
	if err := c.Set(ctx, oldLine, "old", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := c.Set(ctx, s.k.LegLine(hex+"-1"), "new", 0).Err(); err != nil {
		t.Fatal(err)
	}
	kept, err := migrate.Run(ctx, c, s.k.Prefix(), false)
	if err != nil || !slices.Equal(kept.Kept, []string{oldLine}) || kept.Moved != 0 {
		t.Errorf("Run(conflicting line) = %+v, %v; want %s kept", kept, err, oldLine)
	}
	if v, _ := c.Get(ctx, s.k.LegLine(hex+"-1")).Result(); v != "new" {
		t.Errorf("new leg line = %q after Run, want it untouched", v)
	}
	c.Del(ctx, oldLine)
}

func TestMigrate(t *testing.T) {
	testMigrate(t, newTestStore(t, randomPrefix(t), storetest.HistoryConfig()))
}
