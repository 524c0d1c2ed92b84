package track

import "github.com/flightwatch/flightwatch/flight"

// Result is what the tracker made of one observation, or of one clock tick.
type Result struct {
	// Accepted is false when the observation was dropped: older than the
	// aircraft's newest (time never moves backwards), a duplicate, or a
	// position jump implying more than about Mach 3.5. Reason says which.
	Accepted bool
	Reason   string
	// Aircraft is the aircraft's merged state after the observation.
	Aircraft flight.Aircraft
	// Trail is true when the observation should be kept as a track point
	// (the tracker thins dense tracks).
	Trail bool
	// Legs holds the flight legs that began or changed; a flying leg
	// also with each kept trail point (its LastSeen moved on).
	Legs []flight.Leg
	// Leg is the id of the leg the observation belongs to while it flies
	// (airborne or signal lost), or of the leg it ended by landing;
	// empty on the ground otherwise.
	Leg string
	// Alerts holds alerts raised (or cleared, Cleared set) by this step.
	Alerts []flight.Alert
}
