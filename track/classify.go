package track

import (
	"sync"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
)

// countryOf finds airports' countries: the Natural Earth outline that
// holds the airport, else (a field on reclaimed land or a coast the 1:50m
// outlines miss) the country with the airport's ISO 3166-1 alpha-2 code.
// Answers are cached per ident; it is safe for concurrent use.
type countryOf struct {
	airports  *geo.AirportIndex
	countries *geo.CountryIndex // nil: none

	mu    sync.Mutex
	cache map[string]string
	iso2  map[string]string
}

func (c *countryOf) of(ident string) string {
	if ident == "" {
		return ""
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if code, ok := c.cache[ident]; ok {
		return code
	}
	code := ""
	if a, ok := c.airports.Lookup(ident); ok {
		ci := c.countries
		if got, ok := ci.At(a.Point()); ok {
			code = got
		} else if a.Country != "" {
			if c.iso2 == nil {
				// Natural Earth has no ISO_A2 for these two.
				c.iso2 = map[string]string{"FR": "FRA", "NO": "NOR"}
				for _, k := range ci.Codes() {
					if cc, ok := ci.Country(k); ok && cc.ISO2 != "" && cc.ISO2 != "-99" {
						c.iso2[cc.ISO2] = cc.Code
					}
				}
			}
			code = c.iso2[a.Country]
		}
	}
	if c.cache == nil {
		c.cache = map[string]string{}
	}
	c.cache[ident] = code
	return code
}

// classOf returns the class of a leg as it stands: from its origin to its
// actual destination, else its predicted one.
func (t *Tracker) classOf(l *flight.Leg) flight.Class {
	to := l.ActualDestination
	if to == "" && l.Status != flight.LegLanded {
		to = l.PredictedDestination
	}
	if l.Origin == "" || to == "" {
		return flight.ClassUnknown
	}
	return flight.Classify(t.country.of(l.Origin), t.country.of(to), t.cfg.HomeCountry)
}
