package push

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"time"

	"github.com/flightwatch/flightwatch/feeds/lines"
	"github.com/flightwatch/flightwatch/flight"
)

// MaxLine is the longest NDJSON line (or JSON array element) accepted.
const MaxLine = 1 << 20

// Content types Parse understands.
const (
	NDJSON = "application/x-ndjson"
	JSON   = "application/json"
)

// ErrContentType is wrapped when the content type is not one Parse reads.
var ErrContentType = errors.New("push: unsupported content type")

// ErrDocument is wrapped when the body as a whole is malformed.
var ErrDocument = errors.New("push: malformed document")

// Parse reads an ingest body of the given content type (parameters such
// as charset are ignored). It returns the valid observations, an error per
// bad line or element (numbered from 1), and err only when the document
// itself is malformed (ErrDocument), cannot be read, or the content type is
// unknown (ErrContentType). Observations are validated against now.
func Parse(r io.Reader, contentType string, now time.Time) (obs []flight.Observation, errs []flight.LineError, err error) {
	return parse(r, contentType, now, nil)
}

// ParseLines is Parse that also returns the line (or element) number of
// each observation, numbered from 1 like the errors.
func ParseLines(r io.Reader, contentType string, now time.Time) (obs []flight.Observation, lines []int, errs []flight.LineError, err error) {
	obs, errs, err = parse(r, contentType, now, &lines)
	return obs, lines, errs, err
}

func parse(r io.Reader, contentType string, now time.Time, nums *[]int) (obs []flight.Observation, errs []flight.LineError, err error) {
	mt, _, perr := mime.ParseMediaType(contentType)
	if perr != nil {
		return nil, nil, fmt.Errorf("%w: %q", ErrContentType, contentType)
	}
	switch mt {
	case NDJSON, "application/ndjson", "application/jsonl", "application/x-jsonlines":
		return parseNDJSON(r, now, nums)
	case JSON:
		return parseJSON(r, now, nums)
	}
	return nil, nil, fmt.Errorf("%w: %q", ErrContentType, mt)
}

// decode reads one element into o and checks it.
func decode(b []byte, now time.Time, o *flight.Observation) error {
	if decodeFast(b, o) {
		o.Normalize()
		return o.Validate(now)
	}
	if err := o.UnmarshalJSON(b); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return fmt.Errorf("invalid JSON: %v", se)
		case errors.As(err, &te):
			return fmt.Errorf("field %s: expected %s", te.Field, te.Type)
		}
		return err
	}
	o.Normalize()
	return o.Validate(now)
}

func parseNDJSON(r io.Reader, now time.Time, nums *[]int) ([]flight.Observation, []flight.LineError, error) {
	var (
		obs  []flight.Observation
		errs []flight.LineError
	)
	lr := lines.NewReader(r, MaxLine)
	for n := 1; ; n++ {
		line, err := lr.Next()
		if errors.Is(err, lines.ErrTooLong) {
			errs = append(errs, flight.LineError{Line: n, Error: fmt.Sprintf("line longer than %d bytes", MaxLine)})
			continue
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			var o flight.Observation
			if derr := decode(line, now, &o); derr != nil {
				errs = append(errs, flight.LineError{Line: n, Error: derr.Error()})
			} else {
				obs = append(obs, o)
				addLine(nums, n)
			}
		}
		if errors.Is(err, io.EOF) {
			return obs, errs, nil
		}
		if err != nil {
			return obs, errs, fmt.Errorf("push: read line %d: %w", n, err)
		}
	}
}

func parseJSON(r io.Reader, now time.Time, nums *[]int) ([]flight.Observation, []flight.LineError, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("push: read body: %w", err)
	}
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return nil, nil, fmt.Errorf("%w: empty body", ErrDocument)
	}
	switch body[0] {
	case '{':
		return parseSingle(body, now, nums)
	case '[':
	default:
		return nil, nil, fmt.Errorf("%w: want a JSON array or object", ErrDocument)
	}
	var (
		obs  []flight.Observation
		errs []flight.LineError
	)
	rest := body[1:]
	for n := 1; ; n++ {
		rest = skipSpace(rest)
		if n == 1 && len(rest) > 0 && rest[0] == ']' {
			rest = rest[1:]
			break
		}
		end, err := elementEnd(rest)
		if err != nil {
			return obs, errs, fmt.Errorf("%w: element %d: %v", ErrDocument, n, err)
		}
		elem := bytes.TrimSpace(rest[:end])
		switch {
		case len(elem) == 0:
			return obs, errs, fmt.Errorf("%w: element %d is empty", ErrDocument, n)
		case len(elem) > MaxLine:
			errs = append(errs, flight.LineError{Line: n, Error: fmt.Sprintf("element longer than %d bytes", MaxLine)})
		default:
			var o flight.Observation
			if derr := decode(elem, now, &o); derr != nil {
				errs = append(errs, flight.LineError{Line: n, Error: derr.Error()})
			} else {
				obs = append(obs, o)
				addLine(nums, n)
			}
		}
		sep := rest[end]
		rest = rest[end+1:]
		if sep == ']' {
			break
		}
	}
	if len(skipSpace(rest)) != 0 {
		return obs, errs, fmt.Errorf("%w: data after the array", ErrDocument)
	}
	return obs, errs, nil
}

func skipSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

var (
	errUnterminated = errors.New("unterminated array")
	errNesting      = errors.New("unbalanced brackets")
)

// elementEnd finds the ',' or ']' that ends the array element at the start
// of b, skipping strings and nested values.
func elementEnd(b []byte) (int, error) {
	depth := 0
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '"':
			for i++; i < len(b) && b[i] != '"'; i++ {
				if b[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}':
			depth--
			if depth < 0 {
				return 0, errNesting
			}
		case ']':
			if depth == 0 {
				return i, nil
			}
			depth--
		case ',':
			if depth == 0 {
				return i, nil
			}
		}
	}
	return 0, errUnterminated
}

// parseSingle reads a body holding one object.
func parseSingle(doc []byte, now time.Time, nums *[]int) ([]flight.Observation, []flight.LineError, error) {
	if !json.Valid(doc) {
		return nil, nil, fmt.Errorf("%w: invalid JSON object", ErrDocument)
	}
	if len(doc) > MaxLine {
		return nil, []flight.LineError{{Line: 1, Error: fmt.Sprintf("element longer than %d bytes", MaxLine)}}, nil
	}
	var o flight.Observation
	if derr := decode(doc, now, &o); derr != nil {
		return nil, []flight.LineError{{Line: 1, Error: derr.Error()}}, nil
	}
	addLine(nums, 1)
	return []flight.Observation{o}, nil, nil
}

func addLine(nums *[]int, n int) {
	if nums != nil {
		*nums = append(*nums, n)
	}
}
