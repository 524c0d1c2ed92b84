package store

import (
	"context"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// Outbox hands the alert log (what Write and AddAlert add) to consumer
// groups at least once. Each group sees every alert added after the
// group was created; an alert handed to one consumer of a group stays
// pending until acknowledged, and another consumer may claim it once it
// has been idle long enough (its consumer died or gave up for now). Both
// stores implement it; every method is safe for concurrent use.
type Outbox interface {
	// Next hands consumer up to n alerts the group has not seen yet,
	// waiting up to block for one when there are none (0: no wait). It
	// creates the group on first use.
	Next(ctx context.Context, group, consumer string, n int, block time.Duration) ([]Delivery, error)
	// Pending lists up to n of the group's pending entries, oldest first.
	Pending(ctx context.Context, group string, n int) ([]Pending, error)
	// Claim gives consumer the pending entries ids that have been idle
	// for at least minIdle, and returns those it took (their Count is
	// incremented). Entries whose alert left the log are acknowledged
	// and left out.
	Claim(ctx context.Context, group, consumer string, minIdle time.Duration, ids ...string) ([]Delivery, error)
	// Ack marks entries done for the group.
	Ack(ctx context.Context, group string, ids ...string) error

	// Fail records a delivery given up on, for listing and retry on
	// demand; Failed lists them oldest first; Unfail removes one
	// (ErrNotFound when there was none).
	Fail(ctx context.Context, group string, f Failure) error
	Failed(ctx context.Context, group string) ([]Failure, error)
	Unfail(ctx context.Context, group, id string) error
}

// Delivery is one alert handed to a consumer.
type Delivery struct {
	ID    string // entry id in the log, unique per alert
	Alert flight.Alert
	Count int // times handed out, this one included
	// Logged is when the alert entered the log; zero when the ID says
	// (a Redis stream id starts with its Unix milliseconds).
	Logged time.Time
}

// Pending is an entry handed out and not yet acknowledged.
type Pending struct {
	ID       string
	Consumer string
	Idle     time.Duration // since last handed out
	Count    int
}

// Failure is a delivery given up on.
type Failure struct {
	ID       string       `json:"id"` // the entry id
	Alert    flight.Alert `json:"alert"`
	Attempts int          `json:"attempts"`
	Error    string       `json:"error"`
	First    time.Time    `json:"first_attempt"`
	Last     time.Time    `json:"last_attempt"`
}
