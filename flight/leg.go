package flight

import "time"

// LegStatus is where a flight leg stands.
type LegStatus string

// Leg statuses.
const (
	LegTaxi       LegStatus = "taxi"        // seen on the ground, not yet airborne
	LegAirborne   LegStatus = "airborne"    // took off, not yet landed
	LegLanded     LegStatus = "landed"      // landed, with ground evidence or a low last fix near an airport
	LegSignalLost LegStatus = "signal_lost" // airborne and silent past the threshold, away from airports
)

// Class is the kind of a flight leg, judged from the countries of its
// origin and its actual (or predicted) destination against the home country.
type Class string

// Leg classes.
const (
	ClassRemoval  Class = "removal"  // leaves the home country for another
	ClassDomestic Class = "domestic" // both ends in the home country
	ClassReturn   Class = "return"   // arrives home from abroad
	ClassForeign  Class = "foreign"  // both ends abroad
	ClassUnknown  Class = "unknown"  // an end is not known
)

// Classify judges a leg's class from the countries (ADM0_A3, "" when
// unknown) of its origin and of its actual or predicted destination,
// against home.
func Classify(from, to, home string) Class {
	switch {
	case from == "" || to == "":
		return ClassUnknown
	case from == home && to == home:
		return ClassDomestic
	case from == home:
		return ClassRemoval
	case to == home:
		return ClassReturn
	}
	return ClassForeign
}

// Basis names what a predicted destination was inferred from, in order of
// trust.
type Basis string

// Prediction bases.
const (
	BasisPlan    Basis = "plan"    // a matched flight plan
	BasisHistory Basis = "history" // the airframe's earlier legs
	BasisRoute   Basis = "route"   // the callsign route table
	BasisCourse  Basis = "course"  // airports ahead on the held course
)

// Leg is one flight of one aircraft, from ground through airborne to ground.
// Zero times are unknown; empty airport idents are unknown.
type Leg struct {
	ID                 string    `json:"id"` // hex "-" Unix seconds of the leg's first sighting
	Hex                string    `json:"hex"`
	Callsign           string    `json:"callsign,omitempty"`
	Reg                string    `json:"reg,omitempty"`
	Type               string    `json:"type,omitempty"`
	Status             LegStatus `json:"status"`
	Origin             string    `json:"origin,omitempty"`              // airport ident where it took off
	PlannedDestination string    `json:"planned_destination,omitempty"` // from the matched plan
	ActualDestination  string    `json:"actual_destination,omitempty"`  // airport ident where it landed
	Plan               string    `json:"plan,omitempty"`                // id of the matched plan
	Departed           time.Time `json:"departed,omitzero"`             // takeoff time
	Arrived            time.Time `json:"arrived,omitzero"`              // landing time
	FirstSeen          time.Time `json:"first_seen"`
	LastSeen           time.Time `json:"last_seen"`
	LastLat            float64   `json:"last_lat"`
	LastLon            float64   `json:"last_lon"`
	Watch              string    `json:"watch,omitempty"`
	Tags               []string  `json:"tags,omitempty"`

	// PredictedDestination is the airport ident the leg is predicted to
	// reach, empty when there is no prediction; PredictedConfidence (0-1)
	// and PredictedBasis say how sure and from what.
	PredictedDestination string  `json:"predicted_destination,omitempty"`
	PredictedConfidence  float64 `json:"predicted_confidence,omitempty"`
	PredictedBasis       Basis   `json:"predicted_basis,omitempty"`
	// Class is the kind of flight; empty means not judged yet.
	Class Class `json:"class,omitempty"`
}
