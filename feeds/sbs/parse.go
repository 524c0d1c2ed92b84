package sbs

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/jump"
	"github.com/flightwatch/flightwatch/feeds/lines"
	"github.com/flightwatch/flightwatch/flight"
)

// MaxLine is the longest line accepted; longer ones are rejected.
const MaxLine = 199

// DefaultStateTTL is how long merged per-aircraft state is kept after the
// aircraft's last message.
const DefaultStateTTL = 60 * time.Second

// Field indexes, counted from 0 (the SBS documentation counts from 1).
const (
	fType = iota
	fTransmission
	fSession
	fAircraftID
	fHex
	fFlightID
	fDateGen
	fTimeGen
	fDateLog
	fTimeLog
	fCallsign
	fAlt
	fGS
	fTrack
	fLat
	fLon
	fVRate
	fSquawk
	fAlert
	fEmergency
	fSPI
	fGround
	numFields
)

// state is what is known of one aircraft from its recent messages.
type state struct {
	seen     time.Time
	obs      flight.Observation // optional fields only; Has says which
	callsign string
	squawk   string
}

// Parser turns SBS lines into observations. The zero value reads UTC times
// and keeps state for DefaultStateTTL.
type Parser struct {
	// Location is the time zone of the date and time fields; nil is UTC.
	Location *time.Location
	// Source is copied into every observation.
	Source string
	// StateTTL is how long merged state lives; zero is DefaultStateTTL.
	StateTTL time.Duration

	state map[string]*state
	swept time.Time
	jumps jump.Filter
}

// Line parses one line (without its line end) received at recv. It
// returns an observation when the line completes a position; reason names
// why the line was rejected, and is empty when the line was merely merged
// or ignored (heartbeats, non-MSG lines, messages without a position).
func (p *Parser) Line(line []byte, recv time.Time) (obs flight.Observation, ok bool, reason string) {
	if len(line) > MaxLine {
		return obs, false, feedstats.ReasonLineTooLong
	}
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return obs, false, "" // heartbeat
	}
	var f [numFields][]byte
	n := 0
	for n < numFields {
		i := bytes.IndexByte(line, ',')
		if i < 0 {
			f[n] = line
			n++
			break
		}
		f[n] = line[:i]
		line = line[i+1:]
		n++
	}
	if string(f[fType]) != "MSG" {
		return obs, false, "" // SEL, ID, AIR, STA, CLK and anything else
	}
	if n < numFields {
		return obs, false, feedstats.ReasonShortLine
	}
	hex, ok := parseHex(f[fHex])
	if !ok {
		return obs, false, feedstats.ReasonBadHex
	}
	p.init(recv)
	s := p.state[hex]
	if s == nil || recv.Sub(s.seen) > p.ttl() {
		s = &state{}
		p.state[hex] = s
	}
	s.seen = recv
	if r := p.merge(s, &f); r != "" {
		return obs, false, r
	}
	if len(f[fLat]) == 0 || len(f[fLon]) == 0 {
		return obs, false, ""
	}
	lat, err1 := strconv.ParseFloat(string(f[fLat]), 64)
	lon, err2 := strconv.ParseFloat(string(f[fLon]), 64)
	if err1 != nil || err2 != nil {
		return obs, false, feedstats.ReasonBadNumber
	}
	if lat == 0 && lon == 0 {
		return obs, false, feedstats.ReasonZeroPosition
	}
	t, err := p.msgTime(&f, recv)
	if err != nil {
		return obs, false, feedstats.ReasonBadTime
	}
	obs = s.obs
	obs.Hex, obs.Time, obs.Lat, obs.Lon = hex, t, lat, lon
	obs.Callsign, obs.Squawk, obs.Source = s.callsign, s.squawk, p.Source
	obs.Normalize()
	if err := obs.Validate(recv); err != nil {
		return flight.Observation{}, false, feedstats.ReasonInvalid
	}
	if !p.jumps.Allow(hex, obs.Time, lat, lon) {
		return flight.Observation{}, false, feedstats.ReasonJump
	}
	return obs, true, ""
}

// merge folds the optional fields of one message into s, whatever its
// transmission type (dump1090 fills whatever the message carried).
func (p *Parser) merge(s *state, f *[numFields][]byte) string {
	if v := bytes.TrimSpace(f[fCallsign]); len(v) > 0 && len(v) <= 8 {
		s.callsign = string(v)
	}
	if v := f[fAlt]; len(v) > 0 {
		alt, err := parseNum(v)
		if err != nil {
			return feedstats.ReasonBadNumber
		}
		if alt < flight.MinAltFt || alt > flight.MaxAltFt {
			return feedstats.ReasonBadAltitude
		}
		s.obs.AltFt, s.obs.Has = alt, s.obs.Has|flight.HasAlt
	}
	if v := f[fGS]; len(v) > 0 {
		gs, err := parseNum(v)
		if err != nil {
			return feedstats.ReasonBadNumber
		}
		s.obs.GSKt, s.obs.Has = gs, s.obs.Has|flight.HasGS
	}
	if v := f[fTrack]; len(v) > 0 {
		tr, err := parseNum(v)
		if err != nil {
			return feedstats.ReasonBadNumber
		}
		s.obs.TrackDeg, s.obs.Has = tr, s.obs.Has|flight.HasTrack
	}
	if v := f[fVRate]; len(v) > 0 {
		vr, err := parseNum(v)
		if err != nil {
			return feedstats.ReasonBadNumber
		}
		s.obs.VRateFPM, s.obs.Has = vr, s.obs.Has|flight.HasVRate
	}
	if v := bytes.TrimSpace(f[fSquawk]); len(v) == 4 && octal(v) {
		s.squawk = string(v)
	}
	// Fields 19-21 (alert, emergency, SPI) are not used: readsb reuses 19
	// and 20 for MLAT receiver count and error estimate.
	switch string(bytes.TrimSpace(f[fGround])) {
	case "-1", "1":
		s.obs.OnGround, s.obs.Has = true, s.obs.Has|flight.HasGround
	case "0":
		s.obs.OnGround, s.obs.Has = false, s.obs.Has|flight.HasGround
	}
	return ""
}

func (p *Parser) ttl() time.Duration {
	if p.StateTTL > 0 {
		return p.StateTTL
	}
	return DefaultStateTTL
}

// init allocates the state map and drops state older than the TTL.
func (p *Parser) init(now time.Time) {
	if p.state == nil {
		p.state = make(map[string]*state)
		p.swept = now
	}
	if now.Sub(p.swept) < p.ttl() {
		return
	}
	p.swept = now
	for hex, s := range p.state {
		if now.Sub(s.seen) > p.ttl() {
			delete(p.state, hex)
		}
	}
}

// Tracked is the number of aircraft with merged state.
func (p *Parser) Tracked() int { return len(p.state) }

// msgTime reads the generated date and time (falling back to the logged
// ones); both empty means the receive time.
func (p *Parser) msgTime(f *[numFields][]byte, recv time.Time) (time.Time, error) {
	d, t := f[fDateGen], f[fTimeGen]
	if len(d) == 0 || len(t) == 0 {
		d, t = f[fDateLog], f[fTimeLog]
	}
	if len(d) == 0 || len(t) == 0 {
		return recv, nil
	}
	loc := p.Location
	if loc == nil {
		loc = time.UTC
	}
	return parseTime(d, t, loc)
}

var errTime = errors.New("sbs: bad date or time")

// parseTime reads YYYY/MM/DD and HH:MM:SS[.fff...].
func parseTime(d, t []byte, loc *time.Location) (time.Time, error) {
	if len(d) != 10 || d[4] != '/' || d[7] != '/' || len(t) < 8 || t[2] != ':' || t[5] != ':' {
		return time.Time{}, errTime
	}
	y, ok1 := digits(d[0:4])
	mo, ok2 := digits(d[5:7])
	dd, ok3 := digits(d[8:10])
	h, ok4 := digits(t[0:2])
	mi, ok5 := digits(t[3:5])
	s, ok6 := digits(t[6:8])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || dd < 1 || dd > 31 || h > 23 || mi > 59 || s > 60 {
		return time.Time{}, errTime
	}
	ns := 0
	if len(t) > 8 {
		if t[8] != '.' || len(t) == 9 || len(t) > 18 {
			return time.Time{}, errTime
		}
		frac, ok := digits(t[9:])
		if !ok {
			return time.Time{}, errTime
		}
		for i := len(t) - 9; i < 9; i++ {
			frac *= 10
		}
		ns = frac
	}
	return time.Date(y, time.Month(mo), dd, h, mi, s, ns, loc).UTC(), nil
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(b) > 0
}

func octal(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '7' {
			return false
		}
	}
	return true
}

// parseNum reads a decimal number, dropping readsb's "H" suffix that marks
// GNSS altitude and rate.
func parseNum(b []byte) (float64, error) {
	b = bytes.TrimSpace(b)
	if n := len(b); n > 0 && (b[n-1] == 'H' || b[n-1] == 'h') {
		b = b[:n-1]
	}
	return strconv.ParseFloat(string(b), 64)
}

// parseHex checks and lower-cases a 6-digit ICAO address, keeping a "~"
// prefix for non-ICAO addresses.
func parseHex(b []byte) (string, bool) {
	b = bytes.TrimSpace(b)
	var buf [7]byte
	n := 0
	if len(b) == 7 && b[0] == '~' {
		buf[0] = '~'
		n = 1
		b = b[1:]
	}
	if len(b) != 6 {
		return "", false
	}
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
		case c >= 'A' && c <= 'F':
			c += 'a' - 'A'
		default:
			return "", false
		}
		buf[n] = c
		n++
	}
	return string(buf[:n]), true
}

// Parse reads a whole SBS capture received at recv (used for lines with
// empty time fields) and returns its observations and the count of
// rejected lines per reason. Only a read error fails it.
func (p *Parser) Parse(r io.Reader, recv time.Time) ([]flight.Observation, map[string]int, error) {
	var out []flight.Observation
	rejects := map[string]int{}
	lr := lines.NewReader(r, MaxLine)
	for {
		line, err := lr.Next()
		if errors.Is(err, lines.ErrTooLong) {
			rejects[feedstats.ReasonLineTooLong]++
			continue
		}
		if len(line) > 0 {
			obs, ok, reason := p.Line(line, recv)
			if ok {
				out = append(out, obs)
			} else if reason != "" {
				rejects[reason]++
			}
		}
		if errors.Is(err, io.EOF) {
			return out, rejects, nil
		}
		if err != nil {
			return out, rejects, err
		}
	}
}
