package feature

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// jsonNames lists the JSON field names of a struct type.
func jsonNames(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	return out
}

// TestTablesCoverTypes checks that each table has every JSON field of its
// type, apart from those that are the geometry or internal.
func TestTablesCoverTypes(t *testing.T) {
	tests := []struct {
		name  string
		names []string
		typ   reflect.Type
		skip  []string
	}{
		{"leg", Leg.Names(), reflect.TypeFor[flight.Leg](), []string{"last_lat", "last_lon"}},
		{"alert", Alert.Names(), reflect.TypeFor[flight.Alert](), []string{"lat", "lon", "key"}},
		{"report", Report.Names(), reflect.TypeFor[flight.Report](), []string{"lat", "lon"}},
		{"plan", Plan.Names(), reflect.TypeFor[flight.Plan](), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range jsonNames(tt.typ) {
				if !slices.Contains(tt.skip, n) && !slices.Contains(tt.names, n) {
					t.Errorf("%s table lacks %s", tt.name, n)
				}
			}
			seen := map[string]bool{}
			for _, n := range tt.names {
				if seen[n] {
					t.Errorf("%s twice", n)
				}
				seen[n] = true
			}
		})
	}
}

// TestUnknownIsNull checks that unknown values are nil and every
// property is present in Props.
func TestUnknownIsNull(t *testing.T) {
	var l flight.Leg
	l.ID, l.Hex, l.Status = "a-1", "a", flight.LegTaxi
	p := Leg.Props(&l)
	if len(p) != len(Leg) {
		t.Fatalf("%d props, want %d", len(p), len(Leg))
	}
	if p["class"] != "unknown" {
		t.Errorf("class = %v, want unknown (not judged)", p["class"])
	}
	for _, n := range []string{"callsign", "departed", "arrived", "predicted_destination", "predicted_confidence", "predicted_basis", "duration"} {
		if v, ok := p[n]; !ok || v != nil {
			t.Errorf("%s = %v (present %v), want null", n, v, ok)
		}
	}
	if tags, ok := p["tags"].([]string); !ok || len(tags) != 0 {
		t.Errorf("tags = %#v, want []", p["tags"])
	}
	l.FirstSeen = time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC)
	l.LastSeen = l.FirstSeen.Add(90 * time.Minute)
	l.PredictedDestination, l.PredictedConfidence, l.Class = "MGGT", 0.75, flight.ClassRemoval
	p = Leg.Props(&l)
	if p["first_seen"] != "2025-01-24T14:00:00Z" || p["duration"] != 5400 || p["predicted_confidence"] != 0.75 || p["class"] != "removal" {
		t.Errorf("props %v", p)
	}
	var ac flight.Aircraft
	ac.Hex = "a"
	if v, _ := Aircraft.Get(&ac, "alt_ft"); v != nil {
		t.Errorf("unknown altitude = %v", v)
	}
	ac.AltFt, ac.Has = 0, flight.HasAlt
	if v, _ := Aircraft.Get(&ac, "alt_ft"); v != 0.0 {
		t.Errorf("known zero altitude = %v", v)
	}
	if _, ok := Aircraft.Get(&ac, "nope"); ok {
		t.Error("unknown property found")
	}
}

func TestSchemaKinds(t *testing.T) {
	s := Schema(Leg.Fields())
	for name, want := range map[string]string{"geometry": "geometry", "departed": "time", "duration": "number",
		"predicted_confidence": "number", "class": "string", "tags": "array"} {
		if string(s[name]) != want {
			t.Errorf("%s: %s, want %s", name, s[name], want)
		}
	}
}

func TestLegStart(t *testing.T) {
	tests := []struct {
		name, id string
		want     time.Time
		ok       bool
	}{
		{"leg", "ae1234-1737727200", time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC), true},
		{"non-icao hex", "~abc123-1737727200", time.Date(2025, 1, 24, 14, 0, 0, 0, time.UTC), true},
		{"no leg", "", time.Time{}, false},
		{"no dash", "ae1234", time.Time{}, false},
		{"no seconds", "ae1234-", time.Time{}, false},
		{"not a number", "ae1234-x1", time.Time{}, false},
		{"negative", "ae1234--5", time.Time{}, false},
		{"past year 9999", "ae1234-999999999999", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := LegStart(tt.id)
			if ok != tt.ok || !got.Equal(tt.want) {
				t.Errorf("LegStart(%q) = %v, %v; want %v, %v", tt.id, got, ok, tt.want, tt.ok)
			}
		})
	}
	a := flight.Aircraft{Leg: "ae1234-1737727200"}
	if p := Aircraft.Props(&a); p["leg_start"] != "2025-01-24T14:00:00Z" {
		t.Errorf("leg_start = %v, want 2025-01-24T14:00:00Z", p["leg_start"])
	}
	if p := Aircraft.Props(&flight.Aircraft{}); p["leg_start"] != nil {
		t.Errorf("leg_start without leg = %v, want null", p["leg_start"])
	}
}

func FuzzLegStart(f *testing.F) {
	for _, s := range []string{"ae1234-1737727200", "", "-", "a-b-1", "ae1234-9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		got, ok := LegStart(id)
		if !ok {
			return
		}
		if s := JSONValue(got).(string); len(s) != len("2006-01-02T15:04:05Z") {
			t.Errorf("LegStart(%q) = %s, not an RFC 3339 second", id, s)
		}
	})
}

// TestTypedGetters checks that the typed getters of the aircraft table
// agree with Get, for a full and an empty aircraft.
func TestTypedGetters(t *testing.T) {
	full := flight.Aircraft{Observation: flight.Observation{Hex: "ae1234", Time: time.Date(2025, 1, 24, 14, 3, 5, 0, time.UTC),
		AltFt: 4500, GSKt: 250.25, TrackDeg: 135, VRateFPM: -500, Has: flight.HasAlt | flight.HasGS | flight.HasTrack | flight.HasVRate,
		Callsign: "RCH821", Reg: "05-5140", Type: "C17", Squawk: "1234"}, Phase: flight.PhaseClimb, Tags: []string{"military"},
		Watch: "w", Leg: "ae1234-1737727200"}
	for _, a := range []flight.Aircraft{full, {}} {
		for i := range Aircraft {
			p := &Aircraft[i]
			got := p.Get(&a)
			var typed any
			switch {
			case p.Str != nil:
				typed = str(p.Str(&a))
			case p.Num != nil:
				if n, ok := p.Num(&a); ok {
					typed = n
				}
			case p.Time != nil:
				typed = stamp(p.Time(&a))
			case p.List != nil:
				typed = p.List(&a)
			default:
				continue
			}
			if !reflect.DeepEqual(got, typed) {
				t.Errorf("%s of %q: Get = %#v, typed getter %#v", p.Name, a.Hex, got, typed)
			}
		}
	}
}

// TestNamesArePlain checks that property names are lower-case
// identifiers, which encoders write without JSON escaping.
func TestNamesArePlain(t *testing.T) {
	for _, names := range [][]string{Aircraft.Names(), Leg.Names(), Provenance.Names(), Alert.Names(), Report.Names(),
		Cell.Names(), Plan.Names(), Route.Names(), TrackTable.Names()} {
		for _, n := range names {
			if n == "" || strings.Trim(n, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
				t.Errorf("property name %q is not a plain lower-case identifier", n)
			}
		}
	}
}
