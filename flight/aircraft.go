package flight

import (
	"encoding/json"
	"time"
)

// Phase is an aircraft's phase of flight as the tracker last judged it.
type Phase string

// Phases of flight. The zero Phase is PhaseUnknown.
const (
	PhaseUnknown Phase = ""
	PhaseGround  Phase = "ground"
	PhaseClimb   Phase = "climb"
	PhaseCruise  Phase = "cruise"
	PhaseDescent Phase = "descent"
	PhaseLost    Phase = "signal_lost"
)

// Aircraft is the latest known state of one aircraft: its last observation
// merged with what earlier observations told (a callsign heard once is kept
// until another replaces it), and what the tracker derived.
type Aircraft struct {
	Observation
	Phase Phase    // phase of flight
	Tags  []string // watchlist tags, e.g. "military", "removal-charter"
	Watch string   // the watchlist entry that matched, "" when not watched
	Leg   string   // id of the current flight leg, "" when none
}

// Watched reports whether a watchlist entry matched the aircraft.
func (a *Aircraft) Watched() bool { return a.Watch != "" }

type aircraftWire struct {
	Observation
	Phase Phase    `json:"phase,omitempty"`
	Tags  []string `json:"tags,omitempty"`
	Watch string   `json:"watch,omitempty"`
	Leg   string   `json:"leg,omitempty"`
}

// MarshalJSON writes the observation's wire form with the derived fields
// phase, tags, watch and leg added.
func (a Aircraft) MarshalJSON() ([]byte, error) {
	return a.AppendJSON(make([]byte, 0, 320)), nil
}

// AppendJSON appends the JSON form of a to b.
func (a *Aircraft) AppendJSON(b []byte) []byte {
	b = a.Observation.AppendJSON(b)
	b = b[:len(b)-1]
	b = appendStringField(b, "phase", string(a.Phase))
	if len(a.Tags) > 0 {
		b = append(b, `,"tags":[`...)
		for i, t := range a.Tags {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendQuote(b, t)
		}
		b = append(b, ']')
	}
	b = appendStringField(b, "watch", a.Watch)
	b = appendStringField(b, "leg", a.Leg)
	return append(b, '}')
}

// UnmarshalJSON reads what MarshalJSON writes.
func (a *Aircraft) UnmarshalJSON(b []byte) error {
	var extra struct {
		Phase Phase    `json:"phase"`
		Tags  []string `json:"tags"`
		Watch string   `json:"watch"`
		Leg   string   `json:"leg"`
	}
	if err := json.Unmarshal(b, &extra); err != nil {
		return err
	}
	if err := a.Observation.UnmarshalJSON(b); err != nil {
		return err
	}
	a.Phase, a.Tags, a.Watch, a.Leg = extra.Phase, extra.Tags, extra.Watch, extra.Leg
	return nil
}

// TrackPoint is one point of an aircraft's flown track.
type TrackPoint struct {
	Hex   string    `json:"hex"`
	Time  time.Time `json:"time"`
	Lat   float64   `json:"lat"`
	Lon   float64   `json:"lon"`
	AltFt float64   `json:"alt_ft"`        // valid when HasAlt
	Has   Field     `json:"has,omitempty"` // HasAlt when AltFt is known
}

// Point returns the track point of an observation.
func (o *Observation) Point() TrackPoint {
	return TrackPoint{Hex: o.Hex, Time: o.Time, Lat: o.Lat, Lon: o.Lon, AltFt: o.AltFt, Has: o.Has & HasAlt}
}
