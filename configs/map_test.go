package configs

import (
	"strings"
	"testing"

	"github.com/flightwatch/flightwatch/feeds"
)

func TestMapView(t *testing.T) {
	opensky := feeds.Config{Name: "o", Kind: feeds.KindOpenSky, BBox: []float64{-100, 20, -80, 40}}
	tests := []struct {
		name  string
		m     Map
		feeds []feeds.Config
		want  MapView
	}{
		{"default", Map{}, nil, MapView{Center: DefaultMapCenter, Zoom: DefaultMapZoom}},
		{"configured", Map{Center: []float64{-95.36, 29.76}, Zoom: 9}, []feeds.Config{opensky}, MapView{Center: [2]float64{-95.36, 29.76}, Zoom: 9}},
		{"centre only", Map{Center: []float64{10, 50}}, nil, MapView{Center: [2]float64{10, 50}, Zoom: DefaultMapZoom}},
		{"from feed areas", Map{}, []feeds.Config{opensky, {Name: "s", Kind: feeds.KindSBS},
			{Name: "p", Kind: feeds.KindOpenSky, BBox: []float64{-120, 30, -110, 50}}}, MapView{Center: [2]float64{-100, 35}, Zoom: 6}},
		{"feed areas, zoom given", Map{Zoom: 4}, []feeds.Config{opensky}, MapView{Center: [2]float64{-90, 30}, Zoom: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.View(tt.feeds); got != tt.want {
				t.Errorf("View() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestMapParse(t *testing.T) {
	tests := []struct {
		name, yaml string
		err        string // "" : valid
	}{
		{"valid", "map:\n  center: [-95.36, 29.76]\n  zoom: 8\n", ""},
		{"zoom only", "map:\n  zoom: 5\n", ""},
		{"one number", "map:\n  center: [-95.36]\n", "map.center"},
		{"lat out of range", "map:\n  center: [-95, 91]\n", "map.center"},
		{"lon out of range", "map:\n  center: [-195, 30]\n", "map.center"},
		{"zoom too deep", "map:\n  zoom: 30\n", "map.zoom"},
		{"negative zoom", "map:\n  zoom: -1\n", "map.zoom"},
		{"unknown key", "map:\n  centre: [1, 2]\n", "unknown key"},
		{"not a mapping", "map: [1, 2]\n", "mapping"},
		{"text centre", "map:\n  center: [a, b]\n", "map"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(strings.NewReader(tt.yaml))
			if err == nil {
				err = c.Map.Validate()
			}
			switch {
			case tt.err == "" && err != nil:
				t.Errorf("Parse(%q) = %v, want no error", tt.yaml, err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("Parse(%q) error = %v, want one naming %q", tt.yaml, err, tt.err)
			}
		})
	}
}

func FuzzMapParse(f *testing.F) {
	f.Add("center: [-95.36, 29.76]\nzoom: 8\n")
	f.Add("zoom: .nan\n")
	f.Add("center: [1, 2, 3]\n")
	f.Fuzz(func(t *testing.T, section string) {
		c, err := Parse(strings.NewReader("map:\n" + indent(section)))
		if err != nil {
			return
		}
		if err := c.Map.Validate(); err != nil {
			t.Fatalf("Parse accepted map %+v that Validate rejects: %v", c.Map, err)
		}
		v := c.Map.View(nil)
		if v.Zoom < 0 || v.Zoom > 22 || v.Center[0] < -180 || v.Center[0] > 180 || v.Center[1] < -85 || v.Center[1] > 85 {
			t.Fatalf("View() = %+v out of range", v)
		}
	})
}

func indent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = "  " + l
	}
	return strings.Join(lines, "\n")
}
