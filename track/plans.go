package track

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/geo"
	"gopkg.in/yaml.v3"
)

// ErrPlan is wrapped by plan errors.
var ErrPlan = errors.New("track: bad plan")

type plansFile struct {
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

// LoadPlans reads flight plans from YAML (configs/flights.yaml):
//
//	plans:
//	  - id: cbp-1                       # required, unique
//	    origin: KBIF                    # required airport ident
//	    destination: MGGT               # required airport ident
//	    hex: ae1234                     # optional
//	    callsign: RCH821                # optional
//	    departure: 2025-01-24T14:00:00Z # optional, RFC 3339
//	    note: free text                 # optional
//
// Unknown keys, missing required fields, duplicate ids, a malformed hex and
// a departure that is not RFC 3339 are errors. Values are normalised
// (NormalizePlan); airports are checked by ValidatePlan, not here.
func LoadPlans(r io.Reader) ([]flight.Plan, error) {
	var f plansFile
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %w", ErrPlan, err)
	}
	seen := map[string]bool{}
	out := make([]flight.Plan, 0, len(f.Plans))
	for i, p := range f.Plans {
		pl := flight.Plan{ID: p.ID, Origin: p.Origin, Destination: p.Destination, Hex: p.Hex,
			Callsign: p.Callsign, Note: p.Note}
		if s := strings.TrimSpace(p.Departure); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return nil, fmt.Errorf("%w: plan %d (%q): departure %q is not RFC 3339", ErrPlan, i+1, p.ID, s)
			}
			pl.Departure = t
		}
		pl = NormalizePlan(pl)
		if err := checkPlan(pl); err != nil {
			return nil, fmt.Errorf("plan %d: %w", i+1, err)
		}
		if seen[pl.ID] {
			return nil, fmt.Errorf("%w: plan %q: duplicate id", ErrPlan, pl.ID)
		}
		seen[pl.ID] = true
		out = append(out, pl)
	}
	return out, nil
}

// NormalizePlan trims every field, upper-cases airport idents and callsign,
// lower-cases hex and puts the departure in UTC.
func NormalizePlan(p flight.Plan) flight.Plan {
	p.ID = strings.TrimSpace(p.ID)
	p.Origin = strings.ToUpper(strings.TrimSpace(p.Origin))
	p.Destination = strings.ToUpper(strings.TrimSpace(p.Destination))
	p.Hex = strings.ToLower(strings.TrimSpace(p.Hex))
	p.Callsign = strings.ToUpper(strings.TrimSpace(p.Callsign))
	p.Note = strings.TrimSpace(p.Note)
	if !p.Departure.IsZero() {
		p.Departure = p.Departure.UTC()
	}
	return p
}

// checkPlan checks what needs no airport list.
func checkPlan(p flight.Plan) error {
	switch {
	case p.ID == "":
		return fmt.Errorf("%w: id is required", ErrPlan)
	case len(p.ID) > 128:
		return fmt.Errorf("%w: id longer than 128", ErrPlan)
	case p.Origin == "":
		return fmt.Errorf("%w: plan %q: origin is required", ErrPlan, p.ID)
	case p.Destination == "":
		return fmt.Errorf("%w: plan %q: destination is required", ErrPlan, p.ID)
	case p.Hex != "" && !flight.ValidHex(p.Hex):
		return fmt.Errorf("%w: plan %q: hex %q is not 6 hex digits", ErrPlan, p.ID, p.Hex)
	case len(p.Callsign) > 8:
		return fmt.Errorf("%w: plan %q: callsign %q longer than 8", ErrPlan, p.ID, p.Callsign)
	}
	return nil
}

// ValidatePlan checks a plan: id, origin and destination are required, the
// airports must be known to airports (idents or IATA codes, case ignored;
// nil skips that check), hex must be 6 hex digits when set and the
// callsign at most 8 characters. The plan is judged as NormalizePlan would
// leave it.
func ValidatePlan(p flight.Plan, airports *geo.AirportIndex) error {
	p = NormalizePlan(p)
	if err := checkPlan(p); err != nil {
		return err
	}
	if airports == nil {
		return nil
	}
	if _, ok := airports.Lookup(p.Origin); !ok {
		return fmt.Errorf("%w: plan %q: unknown origin airport %q", ErrPlan, p.ID, p.Origin)
	}
	if _, ok := airports.Lookup(p.Destination); !ok {
		return fmt.Errorf("%w: plan %q: unknown destination airport %q", ErrPlan, p.ID, p.Destination)
	}
	return nil
}
