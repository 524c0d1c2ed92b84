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
	for _, n := range []string{"callsign", "departed", "arrived", "class", "predicted_destination", "predicted_confidence", "predicted_basis", "duration"} {
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
