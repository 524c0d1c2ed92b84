package store

import (
	"context"
	"errors"
	"time"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/stats"
)

// History is the part of a store that keeps flight history: each leg's own
// flown line and the feeds that saw it, the per-day leg counters behind
// the statistics, and retention. Both backends implement it; it is kept
// apart from Store so that a Store need not keep history.
type History interface {
	// AppendLegLine adds points to legs' lines and folds in which feeds
	// saw them. A line keeps at most Config.LegPoints points: when full,
	// every other point is dropped (the first and last stay), so the whole
	// leg is kept at a coarser spacing. Points not newer than a line's last
	// point are skipped, so a retried batch is not stored twice.
	AppendLegLine(ctx context.Context, batch []LegPoints) error
	// LegLines returns the lines of the legs ids names, oldest point first,
	// in ids order; a leg without a line has none (nil).
	LegLines(ctx context.Context, ids []string) ([][]flight.TrackPoint, error)
	// LegSources returns the feeds that saw each leg of ids, in ids order,
	// each list ordered by source name.
	LegSources(ctx context.Context, ids []string) ([][]SourceSeen, error)
	// Stats counts stored legs of watched aircraft per period and group.
	Stats(ctx context.Context, q StatsQuery) ([]stats.DayCount, error)
	// Expire removes what is older than r allows at now (zero durations
	// keep everything of that kind) and says how much it removed.
	Expire(ctx context.Context, now time.Time, r Retention) (Expired, error)
	// Held counts what the store holds now, per kind.
	Held(ctx context.Context) (Held, error)
}

// LegPoints is what one batch of observations added to one leg.
type LegPoints struct {
	Leg    string              // leg id
	Points []flight.TrackPoint // thinned points for the line, oldest first
	Seen   []SourceSeen        // per feed: the positions it gave in this batch
}

// SourceSeen says when one feed saw a leg and how many positions it gave.
// An empty Source is a client that named none.
type SourceSeen struct {
	Source    string    `json:"source"`
	First     time.Time `json:"first"`
	Last      time.Time `json:"last"`
	Positions int       `json:"positions"`
}

// Retention is how long each kind of data is kept; zero keeps it forever.
type Retention struct {
	Tracks  time.Duration // track points older than this (by point time)
	Legs    time.Duration // legs last seen longer ago than this, with their lines
	Alerts  time.Duration // alerts raised longer ago than this
	Reports time.Duration // reports, a whole UTC month at a time once it lies entirely past this
}

// Expired counts what one Expire call removed.
type Expired struct {
	TrackPoints int
	Legs        int
	Alerts      int
	Reports     int
}

// Held counts what a store holds. Track points count the points of every
// aircraft's history; leg points the points of every leg's line.
type Held struct {
	Aircraft    int
	TrackPoints int
	Legs        int
	LegPoints   int
	Alerts      int
	Reports     int
}

// StatsQuery selects per-day leg counters. By is one of stats.Bys; the
// window is of UTC days: Since's day through the day before Until (zero
// times leave that end open).
type StatsQuery struct {
	By    string
	Since time.Time
	Until time.Time
}

// ErrUnknownGrouping is returned by Stats for a By it does not know.
var ErrUnknownGrouping = errors.New("store: unknown stats grouping")
