package partition

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store/redis/internal/codec"
)

// A routed batch is packed as its observations one after the other, each
// a uvarint length and the store's binary aircraft form (codec) of the
// observation: every Observation field survives, about 60 bytes each.

// ErrCorrupt is wrapped by the error of a malformed routed batch.
var ErrCorrupt = errors.New("partition: corrupt routed batch")

// appendObs appends o to a packed batch; scratch is reused between calls.
func appendObs(b, scratch []byte, o *flight.Observation) (out, scratchOut []byte) {
	a := flight.Aircraft{Observation: *o}
	scratch = codec.AppendAircraft(scratch[:0], &a)
	b = binary.AppendUvarint(b, uint64(len(scratch)))
	return append(b, scratch...), scratch
}

// decodeObs appends the observations of packed batch s to out.
func decodeObs(s string, out []flight.Observation) ([]flight.Observation, error) {
	for len(s) > 0 {
		l, n := binary.Uvarint([]byte(s[:min(len(s), binary.MaxVarintLen64)]))
		if n <= 0 || l > uint64(len(s)-n) {
			return out, fmt.Errorf("%w: bad length", ErrCorrupt)
		}
		var a flight.Aircraft
		if err := codec.DecodeAircraftString(s[n:n+int(l)], &a); err != nil {
			return out, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		out = append(out, a.Observation) // its strings share s, which is immutable
		s = s[n+int(l):]
	}
	return out, nil
}
