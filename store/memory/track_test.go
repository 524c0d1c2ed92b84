package memory

import (
	"context"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// TestTrackAgreesWithModel appends random points (late ones, repeated
// times, unknown altitudes, sub-microsecond times) to a short ring and
// compares every track with a map of the newest points by time.
func TestTrackAgreesWithModel(t *testing.T) {
	ctx := context.Background()
	const max = 40
	s := New(store.Config{TrackLen: max})
	r := rand.New(rand.NewPCG(7, 8))
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	model := map[int64]flight.TrackPoint{}
	for round := range 300 {
		batch := make([]flight.TrackPoint, 1+r.IntN(5))
		for i := range batch {
			at := t0.Add(time.Duration(round*3+r.IntN(20)-10)*time.Second + time.Duration(r.IntN(3))*time.Microsecond + time.Duration(r.IntN(1000)))
			p := flight.TrackPoint{Hex: "ab0001", Time: at, Lat: r.Float64()*180 - 90, Lon: r.Float64()*360 - 180}
			if r.IntN(3) > 0 {
				p.AltFt, p.Has = math.Round(r.Float64()*45000-1000), flight.HasAlt
			}
			batch[i] = p
			want := p
			want.Time = time.UnixMicro(p.Time.UnixMicro()).UTC()
			model[want.Time.UnixMicro()] = want
			for len(model) > max {
				delete(model, slices.Min(slices.Collect(maps.Keys(model))))
			}
		}
		if err := s.AppendTrack(ctx, batch); err != nil {
			t.Fatal(err)
		}
		got, err := s.Track(ctx, "ab0001", time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		keys := slices.Sorted(maps.Keys(model))
		if len(got) != len(keys) {
			t.Fatalf("round %d: Track = %d points, want %d", round, len(got), len(keys))
		}
		for i, k := range keys {
			if w, g := model[k], got[i]; !samePoint(g, w) {
				t.Fatalf("round %d: Track[%d] = %+v, want %+v", round, i, g, w)
			}
		}
	}
}

// samePoint compares a point read back with the one written, to the
// precision the ring keeps.
func samePoint(got, want flight.TrackPoint) bool {
	return got.Hex == want.Hex && got.Time.Equal(want.Time) && got.Time.Location() == time.UTC && got.Has == want.Has &&
		got.AltFt == want.AltFt && math.Abs(got.Lat-want.Lat) <= 0.5e-7 && math.Abs(got.Lon-want.Lon) <= 0.5e-7
}

func TestRingPrecision(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 123456789, time.UTC)
	tests := []struct {
		name string
		in   flight.TrackPoint
		want flight.TrackPoint
	}{
		{"rounded to 1e-7 degrees and the microsecond", flight.TrackPoint{Time: t0, Lat: 12.345678949, Lon: -179.99999996, AltFt: 1234.4, Has: flight.HasAlt},
			flight.TrackPoint{Time: t0.Truncate(time.Microsecond), Lat: 12.3456789, Lon: -180, AltFt: 1234, Has: flight.HasAlt}},
		{"unknown altitude, other bits dropped", flight.TrackPoint{Time: t0, Lat: 90, Lon: 180, AltFt: 500, Has: flight.HasGS},
			flight.TrackPoint{Time: t0.Truncate(time.Microsecond), Lat: 90, Lon: 180}},
		{"lowest altitude", flight.TrackPoint{Time: t0, AltFt: -1e9, Has: flight.HasAlt},
			flight.TrackPoint{Time: t0.Truncate(time.Microsecond), AltFt: minAltFt, Has: flight.HasAlt}},
		{"highest altitude", flight.TrackPoint{Time: t0, AltFt: 1e9, Has: flight.HasAlt},
			flight.TrackPoint{Time: t0.Truncate(time.Microsecond), AltFt: maxAltFt, Has: flight.HasAlt}},
		{"validation limits kept", flight.TrackPoint{Time: t0, AltFt: flight.MaxAltFt, Has: flight.HasAlt},
			flight.TrackPoint{Time: t0.Truncate(time.Microsecond), AltFt: flight.MaxAltFt, Has: flight.HasAlt}},
		{"NaN coordinates", flight.TrackPoint{Time: t0, Lat: math.NaN(), Lon: math.Inf(1), AltFt: math.NaN(), Has: flight.HasAlt},
			flight.TrackPoint{Time: t0.Truncate(time.Microsecond), Lat: 0, Lon: math.MaxInt32 / 1e7}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ring{max: 4}
			r.add(&tc.in)
			if got := r.point(0, ""); got != tc.want {
				t.Errorf("point(add(%+v)) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

// TestRingSpan checks that a ring keeps at most maxSpan between its
// oldest and newest points.
func TestRingSpan(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	far := time.Duration(maxSpan) * time.Microsecond
	r := ring{max: 10}
	for _, d := range []time.Duration{0, time.Hour, 2 * time.Hour} {
		r.add(&flight.TrackPoint{Time: t0.Add(d)})
	}
	r.add(&flight.TrackPoint{Time: t0.Add(-far)}) // older than the newest by more than the span: dropped
	r.add(&flight.TrackPoint{Time: t0.Add(-time.Hour)})
	if r.len() != 4 || !r.time(0).Equal(t0.Add(-time.Hour)) {
		t.Fatalf("after old points: %d points from %v, want 4 from %v", r.len(), r.time(0), t0.Add(-time.Hour))
	}
	r.add(&flight.TrackPoint{Time: t0.Add(far + time.Hour)}) // the points more than the span older go
	var got []time.Time
	for i := range r.len() {
		got = append(got, r.time(i).UTC())
	}
	want := []time.Time{t0.Add(2 * time.Hour), t0.Add(far + time.Hour)}
	if !slices.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("after a far newer point: %v, want %v", got, want)
	}
}

func TestExpireTrackKeepsPrecision(t *testing.T) {
	ctx := context.Background()
	s := New(store.Config{TrackLen: 10})
	t0 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	var pts []flight.TrackPoint
	for i := range 10 {
		pts = append(pts, flight.TrackPoint{Hex: "ab0002", Time: t0.Add(time.Duration(i) * time.Minute), Lat: 1.5, Lon: 2.25, AltFt: float64(i), Has: flight.HasAlt})
	}
	if err := s.AppendTrack(ctx, pts); err != nil {
		t.Fatal(err)
	}
	e, err := s.Expire(ctx, t0.Add(time.Hour), store.Retention{Tracks: 55*time.Minute + time.Microsecond})
	if err != nil || e.TrackPoints != 5 {
		t.Fatalf("Expire = %+v, %v; want 5 track points", e, err)
	}
	got, _ := s.Track(ctx, "ab0002", time.Time{}, time.Time{})
	if len(got) != 5 || !slices.EqualFunc(got, pts[5:], samePoint) {
		t.Errorf("Track after expiry = %+v, want %+v", got, pts[5:])
	}
}
