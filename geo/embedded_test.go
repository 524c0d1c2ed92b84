package geo

import "testing"

// TestEmbedded: the embedded airports, countries and places all load, and
// the airport index resolves codes to idents as flight.AirportIndex asks.
func TestEmbedded(t *testing.T) {
	airports, err := EmbeddedAirports()
	if err != nil || airports.Len() == 0 {
		t.Fatalf("EmbeddedAirports() = %d airports, %v", airports.Len(), err)
	}
	countries, err := EmbeddedCountries()
	if err != nil || len(countries.Codes()) == 0 {
		t.Fatalf("EmbeddedCountries() = %d countries, %v", len(countries.Codes()), err)
	}
	places, err := EmbeddedPlaces()
	if err != nil {
		t.Fatalf("EmbeddedPlaces() = %v", err)
	}
	if _, _, err := places.Resolve("Newark, NJ"); err != nil {
		t.Errorf("Resolve(Newark, NJ) = %v", err)
	}
	for _, tt := range []struct {
		code, want string
		ok         bool
	}{{"KBIF", "KBIF", true}, {" gua", "MGGT", true}, {"ZZZZ", "", false}} {
		if got, ok := airports.Ident(tt.code); got != tt.want || ok != tt.ok {
			t.Errorf("Ident(%q) = %q, %v, want %q, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
	var none *AirportIndex
	if _, ok := none.Ident("KBIF"); ok {
		t.Errorf("nil index knows KBIF")
	}
	var noCountries *CountryIndex
	if _, ok := noCountries.Polygon("MEX"); ok {
		t.Errorf("nil country index knows MEX")
	}
}
