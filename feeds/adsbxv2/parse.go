package adsbxv2

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/flightwatch/flightwatch/feeds/readsb"
	"github.com/flightwatch/flightwatch/flight"
)

// ErrDocument is wrapped when a response cannot be read at all.
var ErrDocument = errors.New("adsbxv2: malformed document")

type document struct {
	AC    []json.RawMessage `json:"ac"`
	Now   *float64          `json:"now"`
	Total *int              `json:"total"`
	Msg   string            `json:"msg"`
}

// Parse reads one v2 response received at recv with dec and returns its
// observations and the count of skipped entries per reason. A body that is
// not a v2 object (neither "ac" nor "now") is an error. "ac": null (no
// aircraft) is an empty answer.
func Parse(dec *readsb.Decoder, body []byte, recv time.Time) ([]flight.Observation, map[string]int, error) {
	var doc document
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrDocument, err)
	}
	if doc.AC == nil && doc.Now == nil && doc.Total == nil {
		return nil, nil, fmt.Errorf("%w: no ac array", ErrDocument)
	}
	now := recv
	if doc.Now != nil {
		t, err := readsb.MillisTime(*doc.Now)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: now: %v", ErrDocument, err)
		}
		now = t
	}
	obs, rejects := dec.Items(doc.AC, now, recv)
	return obs, rejects, nil
}
