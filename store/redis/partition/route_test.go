package partition

import (
	"context"
	"errors"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"github.com/flightwatch/flightwatch/ingest"
	"github.com/flightwatch/flightwatch/store"
	"github.com/flightwatch/flightwatch/store/memory"
	fwredis "github.com/flightwatch/flightwatch/store/redis"
	"github.com/flightwatch/flightwatch/track"
)

// departure is a take-off from KBIF: a minute on the ground, then a climb
// to the south-east, one fix every 10 s.
func departure(hex string, t0 time.Time) []flight.Observation {
	var out []flight.Observation
	lat, lon := 31.8495, -106.38
	for i := range 36 {
		o := flight.Observation{Hex: hex, Time: t0.Add(time.Duration(i) * 10 * time.Second), Lat: lat, Lon: lon,
			Has: flight.HasGS | flight.HasTrack | flight.HasGround, TrackDeg: 135, Source: "test"}
		if i < 6 {
			o.OnGround = true
		} else {
			o.Has |= flight.HasAlt
			o.GSKt, o.AltFt = 250, 4000+float64(i-6)*800
			lat, lon = lat-0.01, lon+0.01
			o.Lat, o.Lon = lat, lon
		}
		out = append(out, o)
	}
	return out
}

// instance is one process's router, pipeline, tracker and leases over a
// shared Redis store.
type instance struct {
	l  *Leases
	r  *Router
	tr *track.Tracker
}

func newInstance(t *testing.T, c goredis.UniversalClient, prefix, name string, st store.Store, plans []flight.Plan) *instance {
	t.Helper()
	l, err := NewLeases(c, prefix, LeaseConfig{Instance: name, TTL: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	tr := track.New(track.Config{}, track.Deps{Airports: geo.Airports()})
	tr.SetPlans(plans)
	tr.SetOwner(l.OwnsKey)
	p := ingest.New(st, memory.NewBus(), tr, ingest.Options{Instance: name})
	return &instance{l: l, r: NewRouter(c, prefix, l, p, tr, st, RouterConfig{}), tr: tr}
}

// TestReprocessingIsHarmless stores a take-off through a partition's
// stream, then has a new owner claim the same entries again (as after an
// owner died between the store write and the acknowledgement): the leg,
// its alert and its track points are each stored once.
func TestReprocessingIsHarmless(t *testing.T) {
	c, prefix := testClient(t)
	testReprocessing(t, c, prefix)
}

func testReprocessing(t *testing.T, c goredis.UniversalClient, prefix string) {
	ctx := context.Background()
	st := fwredis.NewWithClient(c, prefix, store.Config{})
	const hex = "ae5a01"
	t0 := time.Now().UTC().Add(-10 * time.Minute).Truncate(time.Second)
	plans := []flight.Plan{{ID: "rp", Origin: "KBIF", Destination: "MGGT", Hex: hex, Departure: t0}}
	obs := departure(hex, t0)
	p := Of(hex)

	// A non-owner forwards the flight in batches of 6: nothing owns the
	// partition yet.
	fwd := newInstance(t, c, prefix, "fwd", st, plans)
	for i := 0; i < len(obs); i += 6 {
		out, err := fwd.r.IngestBatch(ctx, obs[i:i+6])
		if err != nil || out.Stored != 6 {
			t.Fatalf("IngestBatch forwarded = %+v, %v; want 6 stored", out, err)
		}
	}
	// The first owner reads the entries and stores them but dies before
	// acknowledging: its reads stay pending.
	first := newInstance(t, c, prefix, "first", st, plans)
	if err := first.r.createGroup(ctx, p); err != nil {
		t.Fatal(err)
	}
	streams, err := c.XReadGroup(ctx, &goredis.XReadGroupArgs{Group: group, Consumer: "first",
		Streams: []string{first.r.k.Route(p), ">"}, Count: 100, Block: -1}).Result()
	if err != nil || len(streams) != 1 || len(streams[0].Messages) != len(obs)/6 {
		t.Fatalf("read %v, %v; want %d entries", streams, err, len(obs)/6)
	}
	var all []flight.Observation
	for _, m := range streams[0].Messages {
		all, _ = decodeObs(m.Values["o"].(string), all)
	}
	if _, err := first.r.pipe.IngestBatch(ctx, all); err != nil {
		t.Fatal(err)
	}

	// The next owner takes the partition: it seeds from the stored leg,
	// claims the pending entries and stores them again.
	next := newInstance(t, c, prefix, "next", st, plans)
	if err := next.l.Step(ctx, next.r); err != nil {
		t.Fatal(err)
	}
	if !next.l.Owns(p) {
		t.Fatalf("next owner does not own partition %d", p)
	}
	pending, err := c.XPending(ctx, next.r.k.Route(p), group).Result()
	if err != nil || pending.Count != 0 {
		t.Errorf("pending after takeover = %+v, %v; want none", pending, err)
	}
	if n, _ := c.XLen(ctx, next.r.k.Route(p)).Result(); n != 0 {
		t.Errorf("stream holds %d entries after takeover, want 0 (acknowledged ones are deleted)", n)
	}
	alerts, err := st.Alerts(ctx, store.AlertQuery{Hex: hex})
	if err != nil {
		t.Fatal(err)
	}
	if len(alerts) != 1 || alerts[0].Type != flight.AlertDeparted {
		t.Errorf("alerts = %+v, want one departed", alerts)
	}
	legs, err := st.Legs(ctx, store.LegQuery{Hex: hex})
	if err != nil {
		t.Fatal(err)
	}
	if len(legs) != 1 {
		t.Errorf("legs = %d, want 1", len(legs))
	}
	pts, err := st.Track(ctx, hex, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != len(obs) {
		t.Errorf("track points = %d, want %d", len(pts), len(obs))
	}
	// The new owner's tracker goes on with the stored leg.
	if ac, ok := next.tr.Aircraft(hex); !ok || ac.Leg != legs[0].ID {
		t.Errorf("next owner's aircraft = %+v (known %v), want leg %s", ac, ok, legs[0].ID)
	}

	// Direct ingest on the owner: no stream entry.
	more := departure(hex, t0.Add(10*time.Minute))[30:]
	if _, err := next.r.IngestBatch(ctx, more); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.XLen(ctx, next.r.k.Route(p)).Result(); n != 0 {
		t.Errorf("owner's own ingest added %d stream entries, want 0", n)
	}
}

// TestForwardFullStream answers a full partition stream as the store being
// unavailable.
func TestForwardFullStream(t *testing.T) {
	c, prefix := testClient(t)
	ctx := context.Background()
	st := fwredis.NewWithClient(c, prefix, store.Config{})
	in := newInstance(t, c, prefix, "x", st, nil)
	in.r.cfg.MaxStream = 2
	obs := departure("ae5a02", time.Now().UTC().Add(-time.Hour))
	for i := range 2 {
		if _, err := in.r.IngestBatch(ctx, obs[i:i+1]); err != nil {
			t.Fatal(err)
		}
	}
	_, err := in.r.IngestBatch(ctx, obs[2:3])
	if err == nil || !errorsIs(err, store.ErrUnavailable) {
		t.Errorf("IngestBatch on a full stream = %v, want store.ErrUnavailable", err)
	}
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
