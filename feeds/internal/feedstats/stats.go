package feedstats

import (
	"log/slog"
	"time"
)

// Reasons for rejected records, used as the reason label of the rejects
// counter.
const (
	ReasonLineTooLong  = "line_too_long"
	ReasonShortLine    = "short_line"
	ReasonBadHex       = "bad_hex"
	ReasonBadNumber    = "bad_number"
	ReasonBadTime      = "bad_time"
	ReasonBadAltitude  = "bad_altitude"
	ReasonZeroPosition = "zero_position"
	ReasonNoPosition   = "no_position"
	ReasonStale        = "stale_position"
	ReasonInvalid      = "invalid"
	ReasonJump         = "position_jump"
	ReasonBadRecord    = "bad_record"
	ReasonBadDocument  = "bad_document"
	ReasonLost         = "lost"
)

// Stats receives a feed's counts. Implementations must be safe for
// concurrent use.
type Stats interface {
	// Messages counts n messages (lines, documents) received.
	Messages(n int)
	// Observations counts n observations handed to the sink.
	Observations(n int)
	// Reject counts n records rejected for reason.
	Reject(reason string, n int)
	// Reconnect counts one reconnection or recovery after a failure.
	Reconnect()
	// Connected records whether the feed is connected (or its last poll
	// succeeded).
	Connected(ok bool)
	// Error records the latest error; nil clears it.
	Error(err error)
}

// Nop is a Stats that discards everything.
type Nop struct{}

func (Nop) Messages(int)       {}
func (Nop) Observations(int)   {}
func (Nop) Reject(string, int) {}
func (Nop) Reconnect()         {}
func (Nop) Connected(bool)     {}
func (Nop) Error(error)        {}

// ReportRejects hands per-reason reject counts to s.
func ReportRejects(s Stats, rejects map[string]int) {
	for reason, n := range rejects {
		s.Reject(reason, n)
	}
}

// Defaults returns stats, logger and now with the defaults every feed's
// Config documents for nil: counts and logs discarded, time.Now as clock.
func Defaults(stats Stats, logger *slog.Logger, now func() time.Time) (Stats, *slog.Logger, func() time.Time) {
	if stats == nil {
		stats = Nop{}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	return stats, logger, now
}
