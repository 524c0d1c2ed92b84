package readsb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/jump"
	"github.com/flightwatch/flightwatch/flight"
)

// DefaultMaxAge is the oldest seen_pos accepted.
const DefaultMaxAge = 60 * time.Second

// ErrDocument is wrapped when a document cannot be read at all.
var ErrDocument = errors.New("readsb: malformed document")

// Aircraft is one entry of aircraft[] (or ac[] in the v2 API), with the
// keys flightwatch reads. Absent keys stay nil or empty.
type Aircraft struct {
	Hex      string          `json:"hex"`
	Flight   string          `json:"flight"`
	Reg      string          `json:"r"`
	Type     string          `json:"t"`
	Lat      *float64        `json:"lat"`
	Lon      *float64        `json:"lon"`
	AltBaro  json.RawMessage `json:"alt_baro"`
	Altitude json.RawMessage `json:"altitude"`
	AltGeom  *float64        `json:"alt_geom"`
	GS       *float64        `json:"gs"`
	Speed    *float64        `json:"speed"`
	Track    *float64        `json:"track"`
	BaroRate *float64        `json:"baro_rate"`
	GeomRate *float64        `json:"geom_rate"`
	VertRate *float64        `json:"vert_rate"`
	Squawk   string          `json:"squawk"`
	SeenPos  *float64        `json:"seen_pos"`
	Seen     *float64        `json:"seen"`
	DBFlags  int             `json:"dbFlags"`
}

// Decoder turns aircraft entries into observations. The zero value is
// ready to use.
type Decoder struct {
	// Source is copied into every observation.
	Source string
	// MaxAge is the oldest position accepted; zero is DefaultMaxAge.
	MaxAge time.Duration
	jumps  jump.Filter
}

type document struct {
	Now      *float64          `json:"now"`
	Aircraft []json.RawMessage `json:"aircraft"`
}

// typedDocument decodes in one pass when every entry is well formed.
type typedDocument struct {
	Now      *float64   `json:"now"`
	Aircraft []Aircraft `json:"aircraft"`
}

// Decode reads one aircraft.json document received at recv and returns
// its observations and the count of skipped entries per reason. A document
// that is not a JSON object with an aircraft array is an error.
func (d *Decoder) Decode(body []byte, recv time.Time) ([]flight.Observation, map[string]int, error) {
	var typed typedDocument
	if err := json.Unmarshal(body, &typed); err == nil && typed.Aircraft != nil {
		now := recv
		if typed.Now != nil {
			t, err := secondsTime(*typed.Now)
			if err != nil {
				return nil, nil, fmt.Errorf("%w: now: %v", ErrDocument, err)
			}
			now = t
		}
		rejects := map[string]int{}
		obs := make([]flight.Observation, 0, len(typed.Aircraft))
		for i := range typed.Aircraft {
			if o, reason := d.entry(&typed.Aircraft[i], now, recv); reason != "" {
				rejects[reason]++
			} else {
				obs = append(obs, o)
			}
		}
		return obs, rejects, nil
	}
	// Some entry is malformed (or the document is): decode entry by entry
	// to skip only the bad ones.
	var doc document
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrDocument, err)
	}
	if doc.Aircraft == nil && !bytes.Contains(body, []byte(`"aircraft"`)) {
		return nil, nil, fmt.Errorf("%w: no aircraft array", ErrDocument)
	}
	now := recv
	if doc.Now != nil {
		t, err := secondsTime(*doc.Now)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: now: %v", ErrDocument, err)
		}
		now = t
	}
	obs, rejects := d.Items(doc.Aircraft, now, recv)
	return obs, rejects, nil
}

// Items decodes entries of a document whose time is now, validating
// against the clock reading recv.
func (d *Decoder) Items(items []json.RawMessage, now, recv time.Time) ([]flight.Observation, map[string]int) {
	rejects := map[string]int{}
	obs := make([]flight.Observation, 0, len(items))
	for _, raw := range items {
		var a Aircraft
		if err := json.Unmarshal(raw, &a); err != nil {
			rejects[feedstats.ReasonBadRecord]++
			continue
		}
		if o, reason := d.entry(&a, now, recv); reason != "" {
			rejects[reason]++
		} else {
			obs = append(obs, o)
		}
	}
	return obs, rejects
}

// entry converts, validates and jump-filters one entry.
func (d *Decoder) entry(a *Aircraft, now, recv time.Time) (flight.Observation, string) {
	o, reason := a.Observation(now, d.maxAge())
	if reason != "" {
		return o, reason
	}
	if err := o.Validate(recv); err != nil {
		return o, feedstats.ReasonInvalid
	}
	if !d.jumps.Allow(o.Hex, o.Time, o.Lat, o.Lon) {
		return o, feedstats.ReasonJump
	}
	o.Source = d.Source
	return o, ""
}

func (d *Decoder) maxAge() time.Duration {
	if d.MaxAge > 0 {
		return d.MaxAge
	}
	return DefaultMaxAge
}

// Observation converts the entry of a document whose time is now. It
// returns a reject reason instead when the entry has no usable position;
// the observation is normalised but not validated.
func (a *Aircraft) Observation(now time.Time, maxAge time.Duration) (flight.Observation, string) {
	var o flight.Observation
	if a.Lat == nil || a.Lon == nil {
		return o, feedstats.ReasonNoPosition
	}
	if *a.Lat == 0 && *a.Lon == 0 {
		return o, feedstats.ReasonZeroPosition
	}
	if !flight.ValidHex(a.Hex) && !flight.ValidHex(stringsLower(a.Hex)) {
		return o, feedstats.ReasonBadHex
	}
	o.Hex, o.Lat, o.Lon = a.Hex, *a.Lat, *a.Lon
	o.Time = now
	if a.SeenPos != nil {
		age := *a.SeenPos
		if math.IsNaN(age) || age < 0 || age > 1e6 {
			return o, feedstats.ReasonBadNumber
		}
		if time.Duration(age*float64(time.Second)) > maxAge {
			return o, feedstats.ReasonStale
		}
		o.Time = now.Add(-time.Duration(age * float64(time.Second)))
	}
	alt := a.AltBaro
	if len(alt) == 0 || string(alt) == "null" {
		alt = a.Altitude
	}
	switch {
	case len(alt) == 0 || string(alt) == "null":
		if a.AltGeom != nil {
			o.AltFt, o.Has = *a.AltGeom, o.Has|flight.HasAlt
		}
	case alt[0] == '"':
		s, err := strconv.Unquote(string(alt))
		if err != nil || s != "ground" {
			return o, feedstats.ReasonBadNumber
		}
		o.OnGround, o.Has = true, o.Has|flight.HasGround
	default:
		v, err := strconv.ParseFloat(string(alt), 64)
		if err != nil {
			return o, feedstats.ReasonBadNumber
		}
		o.AltFt, o.Has = v, o.Has|flight.HasAlt
	}
	if o.Has&flight.HasAlt != 0 && (o.AltFt < flight.MinAltFt || o.AltFt > flight.MaxAltFt) {
		return o, feedstats.ReasonBadAltitude
	}
	if gs := first(a.GS, a.Speed); gs != nil {
		o.GSKt, o.Has = *gs, o.Has|flight.HasGS
	}
	if a.Track != nil {
		o.TrackDeg, o.Has = *a.Track, o.Has|flight.HasTrack
	}
	if vr := first(a.BaroRate, a.GeomRate, a.VertRate); vr != nil {
		o.VRateFPM, o.Has = *vr, o.Has|flight.HasVRate
	}
	o.Callsign, o.Reg, o.Type = a.Flight, a.Reg, a.Type
	if len(o.Callsign) > 8 && len(bytes.TrimSpace([]byte(o.Callsign))) > 8 {
		o.Callsign = ""
	}
	o.Squawk = a.Squawk
	o.Military = a.DBFlags&1 != 0
	o.Normalize()
	if o.Squawk != "" && !flight.ValidSquawk(o.Squawk) {
		o.Squawk = ""
	}
	if len(o.Reg) > 12 {
		o.Reg = ""
	}
	if len(o.Type) > 8 {
		o.Type = ""
	}
	return o, ""
}

func first(vs ...*float64) *float64 {
	for _, v := range vs {
		if v != nil {
			return v
		}
	}
	return nil
}

func stringsLower(s string) string { return string(bytes.ToLower([]byte(s))) }

// secondsTime converts float seconds since the Unix epoch.
func secondsTime(s float64) (time.Time, error) {
	if math.IsNaN(s) || s < 0 || s > 1e11 {
		return time.Time{}, fmt.Errorf("%v seconds out of range", s)
	}
	sec, frac := math.Modf(s)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

// MillisTime converts integer or float milliseconds since the Unix epoch.
func MillisTime(ms float64) (time.Time, error) { return secondsTime(ms / 1000) }
