package store

import (
	"context"

	"github.com/flightwatch/flightwatch/flight"
)

// EventKind names what changed.
type EventKind string

// Event kinds.
const (
	EventAircraft EventKind = "aircraft" // Aircraft holds changed aircraft
	EventRemove   EventKind = "remove"   // Removed holds hexes no longer tracked
	EventAlert    EventKind = "alert"    // Alert holds a new alert
	EventReports  EventKind = "reports"  // Reports holds newly stored reports
	EventPlans    EventKind = "plans"    // plans changed; read them from the Store
)

// Event is one change, published by the instance that made it and delivered
// to every subscriber of every instance, the publisher's own included.
type Event struct {
	Kind     EventKind         `json:"kind"`
	Aircraft []flight.Aircraft `json:"aircraft,omitempty"`
	Removed  []string          `json:"removed,omitempty"`
	Alert    *flight.Alert     `json:"alert,omitempty"`
	Reports  []flight.Report   `json:"reports,omitempty"`
	Source   string            `json:"source,omitempty"` // instance id of the publisher
}

// Bus carries change events between the parts of one instance, or between
// instances sharing one Redis.
type Bus interface {
	// Publish sends e to every subscriber. It does not block on slow
	// subscribers.
	Publish(ctx context.Context, e Event) error
	// Subscribe returns a channel of events that is closed when ctx is
	// done. A subscriber that falls behind by more than its buffer loses
	// the oldest events and is sent an Event with Kind "lost" first.
	Subscribe(ctx context.Context) (<-chan Event, error)
}

// EventLost is sent to a subscriber that missed events.
const EventLost EventKind = "lost"
