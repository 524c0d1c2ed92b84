package geo

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/paulmach/orb"
)

func TestCountriesAt(t *testing.T) {
	x := Countries()
	tests := []struct {
		name string
		p    orb.Point
		want string
		ok   bool
	}{
		{"Paris", orb.Point{2.35, 48.85}, "FRA", true},
		{"Oslo", orb.Point{10.75, 59.91}, "NOR", true},
		{"El Paso", orb.Point{-106.38, 31.85}, "USA", true},
		{"Ciudad Juarez", orb.Point{-106.45, 31.69}, "MEX", true},
		{"Guatemala City", orb.Point{-90.53, 14.6}, "GTM", true},
		{"Vatican in Rome", orb.Point{12.435, 41.902}, "VAT", true},
		{"Rome", orb.Point{12.50, 41.89}, "ITA", true},
		{"Gulf of Mexico", orb.Point{-90, 25}, "", false},
		{"Suva", orb.Point{178.44, -18.13}, "FJI", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := x.At(tt.p)
			if got != tt.want || ok != tt.ok {
				t.Errorf("At(%v) = %q, %v, want %q, %v", tt.p, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestCountriesPolygon(t *testing.T) {
	x := Countries()
	mp, ok := x.Polygon("fra")
	if !ok || len(mp) == 0 {
		t.Fatalf("Polygon(fra) = %d polygons, %v", len(mp), ok)
	}
	if _, ok := x.Polygon("XXX"); ok {
		t.Errorf("Polygon(XXX) found")
	}
	if n := len(x.Codes()); n < 200 {
		t.Errorf("len(Codes()) = %d, want >= 200", n)
	}
	var fc struct {
		Type     string            `json:"type"`
		Features []json.RawMessage `json:"features"`
	}
	if err := json.Unmarshal(x.GeoJSON(), &fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Features) < 200 {
		t.Errorf("GeoJSON() = %s with %d features, err %v", fc.Type, len(fc.Features), err)
	}
}

func FuzzLoadCountries(f *testing.F) {
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ADM0_A3":"AAA"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ADM0_A3":[]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ADM0_A3":"AAA","NAME":7,"ISO_A2":{}},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		x, err := LoadCountries(b)
		if err != nil {
			return
		}
		x.At(orb.Point{0.5, 0.25})
	})
}

func ExampleCountryIndex_At() {
	code, ok := Countries().At(orb.Point{2.35, 48.85})
	fmt.Println(code, ok)
	// Output: FRA true
}

func BenchmarkCountriesAt(b *testing.B) {
	x := Countries()
	pts := []orb.Point{{2.35, 48.85}, {-90, 25}, {-106.38, 31.85}, {139.7, 35.6}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.At(pts[i%len(pts)])
	}
}

func TestLoadCountriesOddProperties(t *testing.T) {
	tests := []struct {
		name, doc string
		wantErr   bool
	}{
		{"array code", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ADM0_A3":[]}}]}`, true},
		{"number name", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"ADM0_A3":"AAA","NAME":7},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadCountries([]byte(tc.doc))
			if (err != nil) != tc.wantErr {
				t.Errorf("LoadCountries = %v, want error %v", err, tc.wantErr)
			}
		})
	}
}
