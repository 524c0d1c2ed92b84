package store

import (
	"context"
	"errors"
	"time"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/stats"
)

// ErrNotFound is returned when a keyed lookup finds nothing.
var ErrNotFound = errors.New("store: not found")

// ErrUnavailable wraps errors that mean the backend cannot be reached now;
// the caller may retry later (HTTP answers 503 with Retry-After).
var ErrUnavailable = errors.New("store: unavailable")

// Store keeps aircraft state, track history, flight legs, plans, alerts and
// enforcement reports. Every method is safe for concurrent use.
type Store interface {
	// PutAircraft stores the latest state of each aircraft and indexes it
	// in its H3 cell, replacing any earlier state of the same hex.
	PutAircraft(ctx context.Context, batch []flight.Aircraft) error
	// AppendTrack adds points to each aircraft's track history, keeping the
	// newest Config.TrackLen points per aircraft.
	AppendTrack(ctx context.Context, points []flight.TrackPoint) error
	// Aircraft returns one aircraft's state, or ErrNotFound.
	Aircraft(ctx context.Context, hex string) (flight.Aircraft, error)
	// AircraftIn returns the aircraft whose position lies inside bbox; an
	// empty bbox (orb.Bound{}) means everywhere. Reads only the cells that
	// cover bbox.
	AircraftIn(ctx context.Context, bbox orb.Bound) ([]flight.Aircraft, error)
	// RemoveAircraft deletes aircraft not seen since before, with their
	// index entries (not their track history), and returns their hexes.
	RemoveAircraft(ctx context.Context, before time.Time) ([]string, error)
	// Track returns an aircraft's track points with since <= time <= until,
	// oldest first; zero times leave that end open.
	Track(ctx context.Context, hex string, since, until time.Time) ([]flight.TrackPoint, error)

	// PutLeg stores a flight leg, replacing one with the same ID.
	PutLeg(ctx context.Context, leg flight.Leg) error
	// Legs returns legs matching q, newest LastSeen first.
	Legs(ctx context.Context, q LegQuery) ([]flight.Leg, error)

	// PutPlan stores a plan, replacing one with the same ID.
	PutPlan(ctx context.Context, p flight.Plan) error
	// DeletePlan removes a plan; ErrNotFound when there was none.
	DeletePlan(ctx context.Context, id string) error
	// Plans returns every plan, ordered by ID.
	Plans(ctx context.Context) ([]flight.Plan, error)

	// Write stores a batch in one step: the aircraft states, track points,
	// legs and alerts go together (one transaction on Redis, one critical
	// section in memory). Track points are keyed by (hex, time): a point
	// at a time already stored replaces it, so a repeat is never a
	// duplicate. Alerts are added as AddAlert does, into the alert log
	// that Outbox reads. Write returns the alerts that were new; on an
	// error nothing of the batch is stored or, when the store cannot tell
	// (the connection broke after sending), possibly all of it, so a
	// retry of the same batch is safe.
	Write(ctx context.Context, b *Batch) (added []flight.Alert, err error)

	// AddAlert stores an alert unless one with the same Key is stored; it
	// reports whether it was added. The store assigns ID when empty.
	AddAlert(ctx context.Context, a *flight.Alert) (added bool, err error)
	// Alerts returns alerts matching q, newest first.
	Alerts(ctx context.Context, q AlertQuery) ([]flight.Alert, error)

	// AddReports stores reports not stored before (by ID) and adds their
	// counts to the per-cell, per-day aggregates. It returns how many were
	// new; a report whose ID is stored already is not counted again.
	AddReports(ctx context.Context, reports []flight.Report) (added int, err error)
	// Reports returns the reports matching q, oldest first.
	Reports(ctx context.Context, q ReportQuery) ([]flight.Report, error)
	// Cells returns report counts summed per H3 cell at q.Res over the days
	// of q's window, from the aggregates (not by scanning reports).
	Cells(ctx context.Context, q CellQuery) ([]CellCount, error)

	// Ping reports whether the backend is reachable.
	Ping(ctx context.Context) error
	// Close releases the backend's resources.
	Close() error
}

// Batch is what one ingest step writes together. It is a plain struct:
// zero fields write nothing.
type Batch struct {
	// Aircraft holds the latest state of each aircraft, for live views.
	Aircraft []flight.Aircraft
	// Track holds points added to the aircraft's history.
	Track []flight.TrackPoint
	// Legs holds the last version of each leg that changed.
	Legs []flight.Leg
	// Alerts holds the alerts raised, stored once per Key.
	Alerts []flight.Alert
	// LegLines holds what the batch adds to its legs' own lines and
	// sources (History); a store without history ignores it.
	LegLines []LegPoints
}

// Empty reports whether b writes nothing.
func (b *Batch) Empty() bool {
	return len(b.Aircraft) == 0 && len(b.Track) == 0 && len(b.Legs) == 0 && len(b.Alerts) == 0 && len(b.LegLines) == 0
}

// Config configures either backend. Zero fields take the defaults noted.
type Config struct {
	// H3Res is the H3 resolution of the aircraft index (0-15). Default 3.
	H3Res int
	// TrackLen is how many track points are kept per aircraft. Default 2000.
	TrackLen int
	// ReportRes lists the resolutions report counts are aggregated at.
	// Default [3, 5, 7].
	ReportRes []int
	// AlertLen is how many alerts are kept. Default 10000.
	AlertLen int
	// LegPoints bounds the points of one leg's own line (History); a
	// fuller line keeps every other point. Default 10000: a 12-hour
	// flight at one point per 5 s.
	LegPoints int
	// Keyer files legs under the groups of the weekly and monthly
	// counters (destination country and airport, origin, operator,
	// class); build it with stats.New over the airport and country
	// indexes main loads. Nil: a Keyer that knows no airport, so the
	// country groups and the classes read from them are "unknown".
	Keyer *stats.Keyer
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.H3Res <= 0 {
		c.H3Res = 3
	}
	if c.Keyer == nil {
		c.Keyer = stats.New(nil, nil)
	}
	if c.TrackLen <= 0 {
		c.TrackLen = 2000
	}
	if len(c.ReportRes) == 0 {
		c.ReportRes = []int{3, 5, 7}
	}
	if c.AlertLen <= 0 {
		c.AlertLen = 10000
	}
	if c.LegPoints <= 0 {
		c.LegPoints = 10000
	}
	return c
}

// LegQuery selects flight legs. Zero fields do not filter.
type LegQuery struct {
	Status flight.LegStatus // only legs with this status
	Since  time.Time        // only legs last seen at or after Since
	Until  time.Time        // only legs first seen before Until
	Hex    string           // only this aircraft's legs
	Class  flight.Class     // only legs of this class
	Limit  int              // at most this many; 0 means all
	Offset int              // skip this many matching legs first (paging)
}

// AlertQuery selects alerts. Zero fields do not filter.
type AlertQuery struct {
	Since time.Time        // alert Time at or after
	Until time.Time        // alert Time before
	Type  flight.AlertType // only this type
	Hex   string           // only this aircraft
	Limit int              // at most this many, newest first; 0 means all kept
	// Offset skips this many matching alerts first (paging).
	Offset int
}

// ReportQuery selects reports. Zero fields do not filter.
type ReportQuery struct {
	BBox  orb.Bound // empty: everywhere
	Since time.Time // report Time at or after
	Until time.Time // report Time before
	Limit int
}

// CellQuery selects report aggregates.
type CellQuery struct {
	Res   int       // one of Config.ReportRes
	BBox  orb.Bound // cells whose centre lies inside; empty: everywhere
	Since time.Time // first day (UTC) counted; zero: all days
	Until time.Time // days before this instant; zero: no end
}

// CellCount is the summed report count of one H3 cell.
type CellCount struct {
	Cell    uint64         // H3 index
	Res     int            // its resolution
	Count   int            // people counted by the reports in the window
	Reports int            // number of reports
	Sources map[string]int // count per report source
}
