package flight

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// Field is a bit set naming the optional numeric fields of an Observation
// that carry a value. A zero Field means only the required fields are known.
type Field uint8

// The optional fields of an Observation.
const (
	HasAlt    Field = 1 << iota // AltFt is known
	HasGS                       // GSKt is known
	HasTrack                    // TrackDeg is known
	HasVRate                    // VRateFPM is known
	HasGround                   // OnGround is known
)

// Limits applied by Validate.
const (
	MinAltFt = -5000.0
	MaxAltFt = 100000.0
	// MaxGSKt is the highest plausible ground speed (about Mach 3.5 at
	// altitude, with margin).
	MaxGSKt = 2500.0
	// MaxFuture is how far past the validating clock an observation's time
	// may lie before it is rejected.
	MaxFuture = 5 * time.Minute
)

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("flight: invalid")

// Observation is one report of one aircraft's position and state, as every
// feed and the HTTP ingest produce it. Hex, Time, Lat and Lon are required;
// the numeric fields named in Has are known, the others are zero and unknown;
// empty strings are unknown.
type Observation struct {
	Hex      string    // ICAO 24-bit address: 6 lowercase hex digits, "~" prefix for non-ICAO addresses
	Time     time.Time // when the position was measured, UTC
	Lat      float64   // degrees, -90..90
	Lon      float64   // degrees, -180..180
	AltFt    float64   // barometric altitude, feet
	GSKt     float64   // ground speed, knots
	TrackDeg float64   // ground track, degrees true [0, 360)
	VRateFPM float64   // vertical rate, feet per minute
	OnGround bool      // on the ground (valid when Has&HasGround)
	Has      Field     // which optional numeric fields are known
	Military bool      // the source flags the aircraft as military
	Callsign string    // flight identification, trimmed, upper case
	Reg      string    // registration (tail number)
	Type     string    // ICAO aircraft type designator, e.g. C17
	Squawk   string    // Mode A code, 4 octal digits
	Source   string    // name of the feed or client that sent it
}

// Known reports whether all the fields in f are known.
func (o *Observation) Known(f Field) bool { return o.Has&f == f }

// Normalize trims and cases the text fields and folds TrackDeg into
// [0, 360). Feeds call it before Validate.
func (o *Observation) Normalize() {
	o.Hex = strings.ToLower(strings.TrimSpace(o.Hex))
	o.Callsign = strings.ToUpper(strings.TrimSpace(o.Callsign))
	o.Reg = strings.ToUpper(strings.TrimSpace(o.Reg))
	o.Type = strings.ToUpper(strings.TrimSpace(o.Type))
	o.Squawk = strings.TrimSpace(o.Squawk)
	if o.Has&HasTrack != 0 && !math.IsNaN(o.TrackDeg) && !math.IsInf(o.TrackDeg, 0) {
		o.TrackDeg = math.Mod(o.TrackDeg, 360)
		if o.TrackDeg < 0 {
			o.TrackDeg += 360
		}
	}
	if !o.Time.IsZero() {
		o.Time = o.Time.UTC()
	}
}

// ValidHex reports whether s is an ICAO address as flightwatch keys it:
// six lowercase hex digits, optionally prefixed by "~".
func ValidHex(s string) bool {
	s = strings.TrimPrefix(s, "~")
	if len(s) != 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// ValidLatLon reports whether lat and lon are finite WGS84 degrees in range.
func ValidLatLon(lat, lon float64) error {
	switch {
	case math.IsNaN(lat) || math.IsInf(lat, 0) || math.IsNaN(lon) || math.IsInf(lon, 0):
		return fmt.Errorf("%w: lat/lon not finite", ErrInvalid)
	case lat < -90 || lat > 90:
		return fmt.Errorf("%w: lat %g out of range -90..90", ErrInvalid, lat)
	case lon < -180 || lon > 180:
		return fmt.Errorf("%w: lon %g out of range -180..180", ErrInvalid, lon)
	}
	return nil
}

// Validate checks the observation against the rules every feed shares:
// the address format, finite in-range coordinates (0,0 is a decoder's
// placeholder, not a position), a time that is set and not more than
// MaxFuture past now, and plausible altitude, speed and rate.
func (o *Observation) Validate(now time.Time) error {
	if !ValidHex(o.Hex) {
		return fmt.Errorf("%w: hex %q is not 6 hex digits", ErrInvalid, o.Hex)
	}
	if err := ValidLatLon(o.Lat, o.Lon); err != nil {
		return err
	}
	if o.Lat == 0 && o.Lon == 0 {
		return fmt.Errorf("%w: position 0,0", ErrInvalid)
	}
	if o.Time.IsZero() {
		return fmt.Errorf("%w: time missing", ErrInvalid)
	}
	if !now.IsZero() && o.Time.After(now.Add(MaxFuture)) {
		return fmt.Errorf("%w: time %s is in the future", ErrInvalid, o.Time.Format(time.RFC3339))
	}
	if o.Time.Year() < 1990 {
		return fmt.Errorf("%w: time %s is too old", ErrInvalid, o.Time.Format(time.RFC3339))
	}
	if o.Has&HasAlt != 0 && (!finite(o.AltFt) || o.AltFt < MinAltFt || o.AltFt > MaxAltFt) {
		return fmt.Errorf("%w: alt_ft %g out of range %g..%g", ErrInvalid, o.AltFt, MinAltFt, MaxAltFt)
	}
	if o.Has&HasGS != 0 && (!finite(o.GSKt) || o.GSKt < 0 || o.GSKt > MaxGSKt) {
		return fmt.Errorf("%w: gs_kt %g out of range 0..%g", ErrInvalid, o.GSKt, MaxGSKt)
	}
	if o.Has&HasTrack != 0 && (!finite(o.TrackDeg) || o.TrackDeg < 0 || o.TrackDeg >= 360) {
		return fmt.Errorf("%w: track %g out of range 0..360", ErrInvalid, o.TrackDeg)
	}
	if o.Has&HasVRate != 0 && (!finite(o.VRateFPM) || math.Abs(o.VRateFPM) > 60000) {
		return fmt.Errorf("%w: vrate_fpm %g out of range", ErrInvalid, o.VRateFPM)
	}
	if o.Squawk != "" && !ValidSquawk(o.Squawk) {
		return fmt.Errorf("%w: squawk %q is not 4 octal digits", ErrInvalid, o.Squawk)
	}
	if len(o.Callsign) > 8 || len(o.Reg) > 12 || len(o.Type) > 8 || len(o.Source) > 64 {
		return fmt.Errorf("%w: text field too long", ErrInvalid)
	}
	for _, s := range [...]string{o.Callsign, o.Reg, o.Type, o.Source} {
		if !printable(s) {
			return fmt.Errorf("%w: text field %q has control characters or invalid UTF-8", ErrInvalid, s)
		}
	}
	return nil
}

// printable reports whether s is valid UTF-8 without control characters.
func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return false
		}
	}
	return true
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// ValidSquawk reports whether s is a transponder code: 4 octal digits.
func ValidSquawk(s string) bool {
	if len(s) != 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		if s[i] < '0' || s[i] > '7' {
			return false
		}
	}
	return true
}

// Emergency reports the emergency a squawk declares: "hijack" (7500),
// "radio failure" (7600), "emergency" (7700), or "" for none.
func Emergency(squawk string) string {
	switch squawk {
	case "7500":
		return "hijack"
	case "7600":
		return "radio failure"
	case "7700":
		return "emergency"
	}
	return ""
}

// LineError is the error of one line, row or element of a parsed document,
// counted from 1, as the ingest endpoints report it.
type LineError struct {
	Line  int    `json:"line"`
	Error string `json:"error"`
}
