package flight

import "time"

// AlertType names the cause of an alert.
type AlertType string

// Alert types (DESIGN.md).
const (
	AlertDeparted    AlertType = "departed"
	AlertLanded      AlertType = "landed"
	AlertOffRoute    AlertType = "off_route"
	AlertDiverted    AlertType = "diverted"
	AlertTurnedBack  AlertType = "turned_back"
	AlertHolding     AlertType = "holding"
	AlertNotDeparted AlertType = "not_departed"
	AlertSignalLost  AlertType = "signal_lost"
	AlertEmergency   AlertType = "emergency"
	AlertGeofence    AlertType = "geofence"
)

// AlertTypes lists every alert type.
var AlertTypes = []AlertType{AlertDeparted, AlertLanded, AlertOffRoute, AlertDiverted,
	AlertTurnedBack, AlertHolding, AlertNotDeparted, AlertSignalLost, AlertEmergency, AlertGeofence}

// Alert is one raised alert. Key names its cause: two alerts with the same
// Key are the same alert, raised once.
type Alert struct {
	ID                 string    `json:"id"`
	Key                string    `json:"key"` // cause, e.g. "ae1234-1737727200/departed"
	Type               AlertType `json:"type"`
	Time               time.Time `json:"time"` // observation time of the cause
	Hex                string    `json:"hex,omitempty"`
	Callsign           string    `json:"callsign,omitempty"`
	Plan               string    `json:"plan,omitempty"`
	Flight             string    `json:"flight,omitempty"` // leg id
	Message            string    `json:"message"`
	Origin             string    `json:"origin,omitempty"`
	PlannedDestination string    `json:"planned_destination,omitempty"`
	ActualDestination  string    `json:"actual_destination,omitempty"`
	Lat                float64   `json:"lat"`
	Lon                float64   `json:"lon"`
	Cleared            bool      `json:"cleared,omitempty"` // the cause no longer holds
}
