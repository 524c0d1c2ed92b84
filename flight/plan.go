package flight

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Plan is a planned flight: an origin and destination airport, the aircraft
// if known (hex and/or callsign) and the scheduled departure.
type Plan struct {
	ID          string    `json:"id"`
	Origin      string    `json:"origin"`      // airport ident, e.g. KBIF
	Destination string    `json:"destination"` // airport ident, e.g. MGGT
	Hex         string    `json:"hex,omitempty"`
	Callsign    string    `json:"callsign,omitempty"`
	Departure   time.Time `json:"departure,omitzero"` // scheduled departure, zero when unknown
	Note        string    `json:"note,omitempty"`
}

// AirportIndex resolves an airport code, an ICAO ident or an IATA code in
// any case, to the ident it is stored under ("elp" -> "KELP"). The
// embedded airport list (geo.AirportIndex) satisfies it.
type AirportIndex interface {
	Ident(code string) (string, bool)
}

// ErrPlan is matched (errors.Is) by every error of Plan.Normalize.
var ErrPlan = errors.New("flight: bad plan")

// MaxPlanID is the longest plan id, in bytes.
const MaxPlanID = 128

type planError struct{ msg string }

func (e *planError) Error() string        { return e.msg }
func (e *planError) Is(target error) bool { return target == ErrPlan }

func planErrorf(format string, args ...any) error {
	return &planError{msg: fmt.Sprintf(format, args...)}
}

// Normalize puts p in its stored form and checks it, the one set of rules
// for plans from the API, from plan files and from the demo. It trims
// every field, lower-cases the hex, upper-cases the callsign, maps origin
// and destination through ix to their idents (IATA codes become ICAO
// idents) and puts the departure in UTC. It fails, with an error matching
// ErrPlan, when the id is missing, longer than MaxPlanID or holds a slash
// or white space (it is a path segment of /api/v1/plans/{id}); when origin
// or destination is missing or unknown to ix (a nil ix knows no airport);
// when the hex is not 6 hex digits; or when the callsign is longer than 8.
// On error p may be partly normalised.
func (p *Plan) Normalize(ix AirportIndex) error {
	p.ID = strings.TrimSpace(p.ID)
	p.Origin = strings.ToUpper(strings.TrimSpace(p.Origin))
	p.Destination = strings.ToUpper(strings.TrimSpace(p.Destination))
	p.Hex = strings.ToLower(strings.TrimSpace(p.Hex))
	p.Callsign = strings.ToUpper(strings.TrimSpace(p.Callsign))
	p.Note = strings.TrimSpace(p.Note)
	if !p.Departure.IsZero() {
		p.Departure = p.Departure.UTC()
	}
	switch {
	case p.ID == "":
		return planErrorf("plan: id is required")
	case len(p.ID) > MaxPlanID || strings.ContainsAny(p.ID, "/ \t\r\n"):
		return planErrorf("plan: id %q must be at most %d characters without spaces or slashes", p.ID, MaxPlanID)
	case p.Origin == "":
		return planErrorf("plan %s: origin is required", p.ID)
	case p.Destination == "":
		return planErrorf("plan %s: destination is required", p.ID)
	case p.Hex != "" && !ValidHex(p.Hex):
		return planErrorf("plan %s: hex %q is not 6 hex digits", p.ID, p.Hex)
	case len(p.Callsign) > 8:
		return planErrorf("plan %s: callsign %q longer than 8", p.ID, p.Callsign)
	}
	for _, f := range []struct {
		name string
		code *string
	}{{"origin", &p.Origin}, {"destination", &p.Destination}} {
		var ident string
		ok := false
		if ix != nil {
			ident, ok = ix.Ident(*f.code)
		}
		if !ok {
			return planErrorf("plan %s: unknown %s airport %q", p.ID, f.name, *f.code)
		}
		*f.code = ident
	}
	return nil
}
