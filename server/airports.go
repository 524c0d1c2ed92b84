package server

import (
	"net/http"
	"strings"

	"github.com/paulmach/orb"
)

// getAirport answers GET /api/v1/airports/{ident}: the airport with that
// ICAO ident (or IATA code) from the embedded OurAirports list, as a Point
// Feature with ident, iata, name, type, city, country (ISO 3166-1 alpha-2)
// and elevation_ft. The map uses it to draw predicted destinations.
func (s *Server) getAirport(w http.ResponseWriter, r *http.Request) error {
	ident := strings.TrimSpace(r.PathValue("ident"))
	if ident == "" || len(ident) > 8 {
		return errorf(http.StatusBadRequest, "airport %q: want an ICAO ident or IATA code", ident)
	}
	a, ok := s.airports.Lookup(ident)
	if !ok {
		return errorf(http.StatusNotFound, "airport %q is not known", ident)
	}
	var elev any
	if a.HasElev {
		elev = a.ElevFt
	}
	w.Header().Set("Content-Type", ctGeoJSON)
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, err := w.Write(append(appendFeature(nil, a.Ident, orb.Point{a.Lon, a.Lat}, []kv{
		{"ident", a.Ident}, {"iata", str(a.IATA)}, {"name", a.Name}, {"type", a.Type},
		{"city", str(a.City)}, {"country", str(a.Country)}, {"elevation_ft", elev},
	}), '\n'))
	return err
}
