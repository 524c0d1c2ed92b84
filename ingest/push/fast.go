package push

import (
	"strconv"
	"time"

	"github.com/flightwatch/flightwatch/flight"
)

// decodeFast reads the common shape of the observation wire form without
// reflection: one object with the known lower-case keys, string values
// without escapes, plain numbers and booleans. It reports false for
// anything else (nulls, escapes, unknown keys, malformed input), and the
// caller falls back to flight.Observation.UnmarshalJSON, so both paths
// give the same result.
func decodeFast(b []byte, o *flight.Observation) bool {
	s := scanner{b: b}
	s.space()
	if !s.eat('{') {
		return false
	}
	var (
		hex, ts, callsign, reg, typ, squawk, source []byte
		lat, lon                                    float64
		haveLat, haveLon                            bool
		out                                         flight.Observation
	)
	s.space()
	if s.eat('}') {
		return false // missing lat/lon: let the slow path word the error
	}
	for {
		s.space()
		key, ok := s.str()
		if !ok {
			return false
		}
		s.space()
		if !s.eat(':') {
			return false
		}
		s.space()
		switch string(key) {
		case "hex":
			hex, ok = s.str()
		case "time":
			ts, ok = s.str()
		case "callsign":
			callsign, ok = s.str()
		case "reg":
			reg, ok = s.str()
		case "type":
			typ, ok = s.str()
		case "squawk":
			squawk, ok = s.str()
		case "source":
			source, ok = s.str()
		case "lat":
			lat, ok = s.num()
			haveLat = true
		case "lon":
			lon, ok = s.num()
			haveLon = true
		case "alt_ft":
			out.AltFt, ok = s.num()
			out.Has |= flight.HasAlt
		case "gs_kt":
			out.GSKt, ok = s.num()
			out.Has |= flight.HasGS
		case "track":
			out.TrackDeg, ok = s.num()
			out.Has |= flight.HasTrack
		case "vrate_fpm":
			out.VRateFPM, ok = s.num()
			out.Has |= flight.HasVRate
		case "on_ground":
			out.OnGround, ok = s.boolean()
			out.Has |= flight.HasGround
		case "military":
			out.Military, ok = s.boolean()
		default:
			return false
		}
		if !ok {
			return false
		}
		s.space()
		if s.eat('}') {
			break
		}
		if !s.eat(',') {
			return false
		}
	}
	s.space()
	if s.i != len(s.b) || !haveLat || !haveLon || len(ts) == 0 {
		return false
	}
	t, err := time.Parse(time.RFC3339Nano, string(ts))
	if err != nil {
		return false
	}
	out.Hex, out.Time, out.Lat, out.Lon = string(hex), t.UTC(), lat, lon
	out.Callsign, out.Reg, out.Type = string(callsign), string(reg), string(typ)
	out.Squawk, out.Source = string(squawk), string(source)
	*o = out
	return true
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string without escapes or control or non-ASCII bytes.
func (s *scanner) str() ([]byte, bool) {
	if !s.eat('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			v := s.b[start:s.i]
			s.i++
			return v, true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// num reads a number in strict JSON grammar.
func (s *scanner) num() (float64, bool) {
	start := s.i
	s.eat('-')
	switch {
	case s.eat('0'):
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		s.digits()
	default:
		return 0, false
	}
	if s.eat('.') {
		if s.digits() == 0 {
			return 0, false
		}
	}
	if s.eat('e') || s.eat('E') {
		if !s.eat('+') {
			s.eat('-')
		}
		if s.digits() == 0 {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(string(s.b[start:s.i]), 64)
	return f, err == nil
}

func (s *scanner) digits() int {
	n := 0
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
		n++
	}
	return n
}

func (s *scanner) boolean() (bool, bool) {
	rest := s.b[s.i:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		s.i += 4
		return true, true
	case len(rest) >= 5 && string(rest[:5]) == "false":
		s.i += 5
		return false, true
	}
	return false, false
}
