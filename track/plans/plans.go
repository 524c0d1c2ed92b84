// Package plans reads flight plan files (configs/flights.yaml) into
// normalised, checked flight.Plan values. It does no I/O of its own and
// is safe for concurrent use.
package plans

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/flightwatch/flightwatch/flight"
)

type file struct {
	Plans []struct {
		ID          string `yaml:"id"`
		Origin      string `yaml:"origin"`
		Destination string `yaml:"destination"`
		Hex         string `yaml:"hex"`
		Callsign    string `yaml:"callsign"`
		Departure   string `yaml:"departure"`
		Note        string `yaml:"note"`
	} `yaml:"plans"`
}

// Load reads flight plans from YAML:
//
//	plans:
//	  - id: cbp-1                       # required, unique
//	    origin: KBIF                    # required airport ident or IATA code
//	    destination: MGGT               # required airport ident or IATA code
//	    hex: ae1234                     # optional
//	    callsign: RCH821                # optional
//	    departure: 2025-01-24T14:00:00Z # optional, RFC 3339
//	    note: free text                 # optional
//
// Every plan is normalised and checked by flight.Plan.Normalize against
// airports. Unknown keys, a departure that is not RFC 3339, a plan that
// Normalize rejects and a duplicate id fail the whole file, with an error
// matching flight.ErrPlan.
func Load(r io.Reader, airports flight.AirportIndex) ([]flight.Plan, error) {
	var f file
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %w", flight.ErrPlan, err)
	}
	seen := map[string]bool{}
	out := make([]flight.Plan, 0, len(f.Plans))
	for i, p := range f.Plans {
		pl := flight.Plan{ID: p.ID, Origin: p.Origin, Destination: p.Destination, Hex: p.Hex,
			Callsign: p.Callsign, Note: p.Note}
		if s := strings.TrimSpace(p.Departure); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return nil, fmt.Errorf("%w: plans[%d] %q: departure %q is not RFC 3339", flight.ErrPlan, i, p.ID, s)
			}
			pl.Departure = t
		}
		if err := pl.Normalize(airports); err != nil {
			return nil, fmt.Errorf("plans[%d]: %w", i, err)
		}
		if seen[pl.ID] {
			return nil, fmt.Errorf("%w: plans[%d] %q: duplicate id", flight.ErrPlan, i, pl.ID)
		}
		seen[pl.ID] = true
		out = append(out, pl)
	}
	return out, nil
}
