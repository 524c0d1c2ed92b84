package codec

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/flightwatch/flightwatch/flight"
	"github.com/flightwatch/flightwatch/store"
)

// Events travel on the bus in a binary form: an aircraft event carries a
// whole ingest batch (a thousand aircraft or more), and every subscriber of
// every instance decodes it, which JSON made the busiest part of a loaded
// instance.
//
// Event (version 1):
//
//	byte     eventV1 (0x01; a JSON event, from an older publisher, starts with '{')
//	strings  Kind, Source (uvarint length + bytes)
//	uvarint  number of aircraft, then each as a string holding the
//	         aircraft's binary form (codec.go)
//	uvarint  number of removed hexes, then each as a string
//	string   {"alert":...,"reports":[...]} as JSON, empty when neither is set
//
// Kind comes first so that a subscriber can skip the events it does not
// want without decoding them.

const eventV1 = 1

// eventExtra holds the event fields that are rare enough to stay JSON.
type eventExtra struct {
	Alert   *flight.Alert   `json:"alert,omitempty"`
	Reports []flight.Report `json:"reports,omitempty"`
}

// AppendEvent appends the binary form of e to b.
func AppendEvent(b []byte, e *store.Event) ([]byte, error) {
	b = append(b, eventV1)
	b = appendString(b, string(e.Kind))
	b = appendString(b, e.Source)
	b = binary.AppendUvarint(b, uint64(len(e.Aircraft)))
	for i := range e.Aircraft {
		// Reserve one length byte, which fits most aircraft, and move
		// the record when its length needs more.
		at := len(b)
		b = append(b, 0)
		b = AppendAircraft(b, &e.Aircraft[i])
		n := len(b) - at - 1
		if n < 0x80 {
			b[at] = byte(n)
			continue
		}
		var lb [binary.MaxVarintLen64]byte
		w := binary.PutUvarint(lb[:], uint64(n))
		b = append(b, lb[:w-1]...)
		copy(b[at+w:], b[at+1:at+1+n])
		copy(b[at:], lb[:w])
	}
	b = binary.AppendUvarint(b, uint64(len(e.Removed)))
	for _, h := range e.Removed {
		b = appendString(b, h)
	}
	if e.Alert == nil && len(e.Reports) == 0 {
		return append(b, 0), nil
	}
	extra, err := json.Marshal(eventExtra{Alert: e.Alert, Reports: e.Reports})
	if err != nil {
		return nil, err
	}
	return appendString(b, string(extra)), nil
}

// EventKind returns the kind of an encoded event without decoding the
// rest; ok is false for a JSON or corrupt message.
func EventKind(msg string) (kind store.EventKind, ok bool) {
	if len(msg) == 0 || msg[0] != eventV1 {
		return "", false
	}
	r := reader{s: msg[1:]}
	k := r.string()
	return store.EventKind(k), r.err == nil
}

// DecodeEvent reads an event in AppendEvent's form, or in JSON. Strings of
// the event share msg's memory.
func DecodeEvent(msg string, e *store.Event) error {
	*e = store.Event{}
	if len(msg) > 0 && msg[0] == '{' {
		if err := json.Unmarshal([]byte(msg), e); err != nil {
			return fmt.Errorf("decode event: %w: %w", ErrCorrupt, err)
		}
		return nil
	}
	r := reader{s: msg}
	if v := r.byte(); v != eventV1 {
		return fmt.Errorf("decode event: %w: version %d", ErrCorrupt, v)
	}
	e.Kind = store.EventKind(r.string())
	e.Source = r.string()
	// Each entry takes at least one byte: a count beyond what is left is
	// corrupt, and checking it bounds the allocation.
	if n := r.uvarint(); n > uint64(len(r.s)) {
		r.fail()
	} else if n > 0 {
		e.Aircraft = make([]flight.Aircraft, n)
		for i := range e.Aircraft {
			s := r.string()
			if r.err != nil {
				break
			}
			if err := DecodeAircraftString(s, &e.Aircraft[i]); err != nil {
				*e = store.Event{}
				return fmt.Errorf("decode event: %w", err)
			}
		}
	}
	if n := r.uvarint(); n > uint64(len(r.s)) {
		r.fail()
	} else if n > 0 {
		e.Removed = make([]string, n)
		for i := range e.Removed {
			e.Removed[i] = r.string()
		}
	}
	if extra := r.string(); extra != "" && r.err == nil {
		var x eventExtra
		if err := json.Unmarshal([]byte(extra), &x); err != nil {
			*e = store.Event{}
			return fmt.Errorf("decode event: %w: %w", ErrCorrupt, err)
		}
		e.Alert, e.Reports = x.Alert, x.Reports
	}
	if r.err == nil && len(r.s) != 0 {
		r.fail()
	}
	if r.err != nil {
		*e = store.Event{}
		return fmt.Errorf("decode event: %w", r.err)
	}
	return nil
}
