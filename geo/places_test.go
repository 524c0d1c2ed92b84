package geo

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		place    string
		lat, lon float64
	}{
		{"Newark, NJ", 40.73566, -74.17237},
		{"Newark NJ", 40.73566, -74.17237},
		{"newark, new jersey", 40.73566, -74.17237},
		{"St Paul, MN", 44.94441, -93.09327},
		{"Saint Paul, MN", 44.94441, -93.09327},
		{"St. Paul, Minnesota", 44.94441, -93.09327},
		{"ST. PAUL MN", 44.94441, -93.09327},
		{"Chicago, Illinois", 41.85003, -87.65005},
		{"Chicago", 41.85003, -87.65005},
		{"Salt Lake City, UT", 40.76078, -111.89105},
		{"Salt Lake City Utah", 40.76078, -111.89105},
		{"San Francisco, CA", 37.77493, -122.41942},
		{"Buffalo, NY", 42.88645, -78.87837},
		{"Denver, CO", 39.73915, -104.9847},
		{"Aurora, CO", 39.72943, -104.83192},
		{"Washington, DC", 38.89511, -77.03637},
		{"Washington DC", 38.89511, -77.03637},
		{"Canon City, CO", 38.44098, -105.24245},
		{"CAÑON CITY, Colorado", 38.44098, -105.24245},
		{"Haleiwa, HI", 21.59284, -158.10339},
		{"  Chicago ,  IL ", 41.85003, -87.65005},
		{"KBIF", 31.8495, -106.38},
		{"kbif", 31.8495, -106.38},
		{"ELP", 31.8072, -106.3776},
		{"MGGT", 14.5833, -90.5275},
	}
	g := Gazetteer()
	for _, tt := range tests {
		t.Run(tt.place, func(t *testing.T) {
			lat, lon, err := g.Resolve(tt.place)
			if err != nil {
				t.Fatalf("Resolve(%q) error %v", tt.place, err)
			}
			if math.Abs(lat-tt.lat) > 0.01 || math.Abs(lon-tt.lon) > 0.01 {
				t.Errorf("Resolve(%q) = %v, %v, want %v, %v", tt.place, lat, lon, tt.lat, tt.lon)
			}
		})
	}
}

func TestResolveErrors(t *testing.T) {
	tests := []struct {
		place    string
		want     error
		contains []string
	}{
		{"Aurora", ErrPlaceAmbiguous, []string{"CO", "IL", "Aurora, "}},
		{"Newark", ErrPlaceAmbiguous, []string{"NJ", "DE", "CA"}},
		{"St Paul", ErrPlaceAmbiguous, []string{"MN", "NE"}},
		{"Sasabe, AZ", ErrPlaceUnknown, []string{"Sasabe", "not in the gazetteer"}},
		{"Newark, ZZ", ErrPlaceUnknown, []string{"ZZ", "not a US state"}},
		{"Chicago, TX", ErrPlaceUnknown, []string{"Chicago, TX"}},
		{"", ErrPlaceUnknown, nil},
		{"ZZZZ", ErrPlaceUnknown, nil},
		{"!!!", ErrPlaceUnknown, nil},
	}
	g := Gazetteer()
	for _, tt := range tests {
		t.Run(tt.place, func(t *testing.T) {
			_, _, err := g.Resolve(tt.place)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Resolve(%q) error %v, want %v", tt.place, err, tt.want)
			}
			for _, c := range tt.contains {
				if !strings.Contains(err.Error(), c) {
					t.Errorf("Resolve(%q) error %q lacks %q", tt.place, err, c)
				}
			}
		})
	}
}

func TestGazetteerConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := Gazetteer().Resolve("Denver, CO"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func TestLoadPlacesErrors(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"empty", ""},
		{"bad header", "a,b,c,d\n"},
		{"bad lat", "name,state,lat,lon\nX,CO,north,1\n"},
		{"out of range", "name,state,lat,lon\nX,CO,95,1\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := LoadPlaces(strings.NewReader(tt.doc)); err == nil {
				t.Errorf("LoadPlaces(%q): no error", tt.doc)
			}
		})
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"Newark, NJ", "St. Paul", "Aurora", "KBIF", "Cañon City, Colorado", ",", "a,b,c"} {
		f.Add(s)
	}
	g := Gazetteer()
	f.Fuzz(func(t *testing.T, s string) {
		lat, lon, err := g.Resolve(s)
		if err == nil && (lat < -90 || lat > 90 || lon < -180 || lon > 180 || math.IsNaN(lat) || math.IsNaN(lon)) {
			t.Fatalf("Resolve(%q) = %v, %v out of range", s, lat, lon)
		}
		if err != nil && !errors.Is(err, ErrPlaceUnknown) && !errors.Is(err, ErrPlaceAmbiguous) {
			t.Fatalf("Resolve(%q) error %v wraps neither sentinel", s, err)
		}
	})
}
