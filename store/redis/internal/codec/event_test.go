package codec

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

func eventCases() []struct {
	name string
	e    store.Event
} {
	t0 := time.Date(2025, 1, 24, 12, 0, 0, 5, time.UTC)
	long := codecCases[2].a
	long.Hex = "ae9999"
	long.Tags = []string{strings.Repeat("t", 300), "x"} // record longer than 127 bytes
	huge := codecCases[2].a
	huge.Tags = []string{strings.Repeat("h", 20000)} // length needs three varint bytes
	al := flight.Alert{ID: "1-0", Key: "k", Type: flight.AlertEmergency, Hex: "ae1234", Time: t0, Lat: 1, Lon: 2, Message: "squawk 7700"}
	return []struct {
		name string
		e    store.Event
	}{
		{"aircraft", store.Event{Kind: store.EventAircraft, Source: "inst-1",
			Aircraft: []flight.Aircraft{codecCases[0].a, codecCases[1].a, codecCases[2].a, codecCases[3].a}}},
		{"long records", store.Event{Kind: store.EventAircraft, Aircraft: []flight.Aircraft{codecCases[0].a, long, huge, codecCases[3].a}}},
		{"removed", store.Event{Kind: store.EventRemove, Removed: []string{"abc123", "~00ff00"}, Source: "s"}},
		{"alert", store.Event{Kind: store.EventAlert, Alert: &al}},
		{"reports", store.Event{Kind: store.EventReports, Reports: []flight.Report{{ID: "r1", Time: t0, Lat: 1, Lon: 2, Count: 3, Source: "s"}}}},
		{"plans", store.Event{Kind: store.EventPlans}},
	}
}

func TestEventCodec(t *testing.T) {
	for _, tc := range eventCases() {
		t.Run(tc.name, func(t *testing.T) {
			b, err := AppendEvent(nil, &tc.e)
			if err != nil {
				t.Fatalf("AppendEvent() = %v", err)
			}
			var got store.Event
			if err := DecodeEvent(string(b), &got); err != nil {
				t.Fatalf("DecodeEvent() = %v", err)
			}
			if !reflect.DeepEqual(got, tc.e) {
				t.Errorf("DecodeEvent(AppendEvent(%+v)) = %+v", tc.e, got)
			}
			if k, ok := EventKind(string(b)); !ok || k != tc.e.Kind {
				t.Errorf("EventKind() = %q, %v; want %q, true", k, ok, tc.e.Kind)
			}
			for n := range len(b) {
				if err := DecodeEvent(string(b[:n]), &got); err == nil {
					t.Errorf("DecodeEvent(first %d of %d bytes) = nil error", n, len(b))
				}
			}
		})
	}
}

// TestEventCodecJSON checks that events published as JSON (by an older
// instance) are still read.
func TestEventCodecJSON(t *testing.T) {
	for _, tc := range eventCases() {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.e)
			if err != nil {
				t.Fatal(err)
			}
			var got store.Event
			if err := DecodeEvent(string(b), &got); err != nil {
				t.Fatalf("DecodeEvent(%s) = %v", b, err)
			}
			if got.Kind != tc.e.Kind || got.Source != tc.e.Source || len(got.Aircraft) != len(tc.e.Aircraft) ||
				len(got.Removed) != len(tc.e.Removed) || (got.Alert == nil) != (tc.e.Alert == nil) || len(got.Reports) != len(tc.e.Reports) {
				t.Errorf("DecodeEvent(%s) = %+v, want %+v", b, got, tc.e)
			}
			if _, ok := EventKind(string(b)); ok {
				t.Errorf("EventKind(JSON) ok = true, want false")
			}
		})
	}
	var got store.Event
	if err := DecodeEvent(`{"kind":`, &got); err == nil {
		t.Error("DecodeEvent(truncated JSON) = nil error")
	}
}

func BenchmarkEventCodec(b *testing.B) {
	e := store.Event{Kind: store.EventAircraft, Source: "bench"}
	for i := range 1000 {
		a := codecCases[2].a
		a.Hex = strings.Repeat("a", 6)
		a.Lat += float64(i) / 1000
		e.Aircraft = append(e.Aircraft, a)
	}
	b.Run("Encode", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for i := 0; i < b.N; i++ {
			buf, _ = AppendEvent(buf[:0], &e)
		}
		b.ReportMetric(float64(len(buf)), "bytes/event")
	})
	b.Run("Decode", func(b *testing.B) {
		msg, _ := AppendEvent(nil, &e)
		s := string(msg)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var got store.Event
			if err := DecodeEvent(s, &got); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DecodeJSON", func(b *testing.B) {
		msg, _ := json.Marshal(e)
		s := string(msg)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var got store.Event
			if err := DecodeEvent(s, &got); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzDecodeEvent checks that decoding never panics and that whatever
// decodes re-encodes to an event that decodes the same.
func FuzzDecodeEvent(f *testing.F) {
	for _, tc := range eventCases() {
		b, _ := AppendEvent(nil, &tc.e)
		f.Add(b)
	}
	f.Add([]byte(`{"kind":"plans"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var e store.Event
		if err := DecodeEvent(string(b), &e); err != nil || len(b) == 0 || b[0] == '{' {
			return
		}
		again, err := AppendEvent(nil, &e)
		if err != nil {
			t.Fatalf("AppendEvent(decoded) = %v", err)
		}
		var e2 store.Event
		if err := DecodeEvent(string(again), &e2); err != nil {
			t.Fatalf("DecodeEvent(AppendEvent(decoded)) = %v", err)
		}
		if !reflect.DeepEqual(e, e2) {
			t.Fatalf("re-encoded event decodes to %+v, want %+v", e2, e)
		}
	})
}
