package flight

import (
	"fmt"
	"strings"
	"time"
)

// Report is one enforcement report: Count people arrested (or detained) at
// a place and time, from a source.
type Report struct {
	ID       string    `json:"id"`
	Time     time.Time `json:"time"`
	Lat      float64   `json:"lat"`
	Lon      float64   `json:"lon"`
	Count    int       `json:"count"`              // >= 1
	Category string    `json:"category,omitempty"` // criminal, non-criminal, unknown
	Place    string    `json:"place,omitempty"`    // e.g. "Newark, NJ"
	Source   string    `json:"source,omitempty"`
	URL      string    `json:"url,omitempty"`
	Resolved bool      `json:"resolved,omitempty"` // the position was resolved from Place, not given
}

// Validate checks a report after its position is known.
func (r *Report) Validate(now time.Time) error {
	r.ID = strings.TrimSpace(r.ID)
	switch {
	case r.ID == "":
		return fmt.Errorf("%w: report id is required", ErrInvalid)
	case len(r.ID) > 128:
		return fmt.Errorf("%w: report id longer than 128", ErrInvalid)
	case r.Time.IsZero():
		return fmt.Errorf("%w: report time is required", ErrInvalid)
	case !now.IsZero() && r.Time.After(now.Add(24*time.Hour)):
		return fmt.Errorf("%w: report time %s is in the future", ErrInvalid, r.Time.Format(time.RFC3339))
	case r.Count < 1:
		return fmt.Errorf("%w: count %d must be >= 1", ErrInvalid, r.Count)
	case r.Count > 1000000:
		return fmt.Errorf("%w: count %d is implausible", ErrInvalid, r.Count)
	}
	if err := ValidLatLon(r.Lat, r.Lon); err != nil {
		return err
	}
	if r.Category == "" {
		r.Category = "unknown"
	}
	r.Time = r.Time.UTC()
	return nil
}

// DefaultMinCellCount is the privacy threshold k used when none is
// configured: a cell of reports counting fewer than k people is withheld.
const DefaultMinCellCount = 3

// CellPublished is the one privacy rule for report cells: a cell counting
// count people is published when count reaches k. k <= 0 means
// DefaultMinCellCount.
func CellPublished(count, k int) bool {
	if k <= 0 {
		k = DefaultMinCellCount
	}
	return count >= k
}
