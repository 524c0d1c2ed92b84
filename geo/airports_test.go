package geo

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestAirportsEmbedded(t *testing.T) {
	x := Airports()
	if x.Len() < 17000 {
		t.Fatalf("Airports().Len() = %d, want >= 17000", x.Len())
	}
	if _, err := LoadAirports(bytes.NewReader(airportsCSV)); err != nil {
		t.Fatalf("LoadAirports(embedded) = %v", err)
	}
	for _, id := range []string{"KBIF", "KDMA", "KTUS", "KELP", "KNZY", "KNKX", "KSAN", "MGGT", "SKBO", "MMMX", "MSLP", "MHTG", "KHRL", "KAEX", "KMIA"} {
		if _, ok := x.Lookup(id); !ok {
			t.Errorf("Lookup(%q) missing", id)
		}
	}
}

func TestAirportLookup(t *testing.T) {
	x := Airports()
	tests := []struct {
		name, in, want string
		ok             bool
	}{
		{"ident", "KBIF", "KBIF", true},
		{"lower case", "mggt", "MGGT", true},
		{"spaces", " SKBO ", "SKBO", true},
		{"iata", "ELP", "KELP", true},
		{"iata lower", "bog", "SKBO", true},
		{"unknown", "ZZZZ", "", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok := x.Lookup(tt.in)
			if ok != tt.ok || a.Ident != tt.want {
				t.Errorf("Lookup(%q) = %q, %v, want %q, %v", tt.in, a.Ident, ok, tt.want, tt.ok)
			}
		})
	}
	a, _ := x.Lookup("KBIF")
	if !a.HasElev || a.ElevFt < 3000 || a.Country != "US" || a.Type == "" {
		t.Errorf("Lookup(KBIF) = %+v, want elevation ~3946 ft in US", a)
	}
}

func TestAirportNearest(t *testing.T) {
	x := Airports()
	kbif, _ := x.Lookup("KBIF")
	tests := []struct {
		name    string
		p       orb.Point
		maxKm   float64
		minType string
		want    string
		ok      bool
	}{
		{"on the field", kbif.Point(), 5, "", "KBIF", true},
		{"2 km off", Destination(kbif.Point(), 90, 2), 9.3, "", "KBIF", true},
		{"mid Atlantic", orb.Point{-40, 35}, 50, "", "", false},
		{"large only near Heathrow", orb.Point{-0.45, 51.47}, 30, "large", "EGLL", true},
		{"Bogota", orb.Point{-74.146, 4.70}, 10, "large_airport", "SKBO", true},
		{"Fiji across antimeridian", orb.Point{-179.99, -16.69}, 200, "", "", true},
		{"no limit", orb.Point{-40, 35}, 0, "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, km, ok := x.Nearest(tt.p, tt.maxKm, tt.minType)
			if ok != tt.ok || (tt.want != "" && a.Ident != tt.want) {
				t.Fatalf("Nearest(%v, %g, %q) = %q, %.1f, %v, want %q, %v", tt.p, tt.maxKm, tt.minType, a.Ident, km, ok, tt.want, tt.ok)
			}
			if ok && tt.maxKm > 0 && km > tt.maxKm {
				t.Errorf("Nearest(%v) distance %.1f > max %g", tt.p, km, tt.maxKm)
			}
		})
	}
}

// TestAirportNearestMatchesScan compares the grid search with a linear scan.
func TestAirportNearestMatchesScan(t *testing.T) {
	x := Airports()
	all := x.All()
	pts := []orb.Point{{-106.4, 31.8}, {179.9, -16.5}, {-179.9, 65.5}, {10, 89.5}, {2.35, 48.85}, {-77, 38.9}, {151.2, -33.9}}
	for _, p := range pts {
		for _, maxKm := range []float64{10, 80, 400} {
			t.Run(fmt.Sprintf("%v/%g", p, maxKm), func(t *testing.T) {
				want, wantKm := "", math.Inf(1)
				for _, a := range all {
					if d := DistanceKm(p, a.Point()); d <= maxKm && d < wantKm {
						want, wantKm = a.Ident, d
					}
				}
				a, _, _ := x.Nearest(p, maxKm, "")
				if a.Ident != want {
					t.Errorf("Nearest(%v, %g) = %q, scan says %q", p, maxKm, a.Ident, want)
				}
			})
		}
	}
}

func TestLoadAirports(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		n       int
		wantErr bool
	}{
		{"good", "ident,type,name,latitude_deg,longitude_deg,elevation_ft,iso_country,municipality,iata_code\nKXXX,small_airport,X,10,20,,US,Town,\n", 1, false},
		{"bad row skipped", "ident,type,name,latitude_deg,longitude_deg,elevation_ft,iso_country,municipality,iata_code\nKXXX,small_airport,X,100,20,,US,Town,\nKYYY,small_airport,Y,1,2,5,US,T,YYY\n", 1, false},
		{"missing column", "ident,type,name\nKXXX,small,X\n", 0, true},
		{"empty", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, err := LoadAirports(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("LoadAirports() error = %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && x.Len() != tt.n {
				t.Errorf("LoadAirports().Len() = %d, want %d", x.Len(), tt.n)
			}
		})
	}
}

func FuzzLoadAirports(f *testing.F) {
	f.Add("ident,type,name,latitude_deg,longitude_deg,elevation_ft,iso_country,municipality,iata_code\nKXXX,small_airport,X,10,20,,US,Town,ABC\n")
	f.Add("ident\n\"")
	f.Fuzz(func(t *testing.T, s string) {
		x, err := LoadAirports(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, a := range x.All() {
			if b, ok := x.Lookup(a.Ident); !ok || b.Ident == "" {
				t.Fatalf("Lookup(%q) after load failed", a.Ident)
			}
			x.Nearest(a.Point(), 10, "")
		}
	})
}

func ExampleAirportIndex_Lookup() {
	a, ok := Airports().Lookup("mggt")
	fmt.Println(a.Ident, a.Country, ok)
	// Output: MGGT GT true
}

func ExampleAirportIndex_Nearest() {
	p := orb.Point{-106.38, 31.85} // just north of El Paso
	a, km, ok := Airports().Nearest(p, 50, "medium")
	fmt.Println(a.Ident, km < 50, ok)
	// Output: KBIF true true
}

func BenchmarkNearest(b *testing.B) {
	x := Airports()
	pts := []orb.Point{{-106.4, 31.8}, {-0.45, 51.47}, {-40, 35}, {139.7, 35.6}, {-74.1, 4.7}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Nearest(pts[i%len(pts)], 9.3, "")
	}
}

func TestEmbeddedAirports(t *testing.T) {
	ix, err := EmbeddedAirports()
	if err != nil {
		t.Fatalf("EmbeddedAirports() error %v", err)
	}
	if a, ok := ix.Lookup("KDEN"); !ok || a.Ident != "KDEN" {
		t.Errorf("EmbeddedAirports().Lookup(KDEN) = %v, %v, want KDEN", a, ok)
	}
	if Airports() != ix {
		t.Error("Airports() is not the index EmbeddedAirports returned")
	}
}
