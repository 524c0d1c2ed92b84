package opensky

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/flightwatch/flightwatch/feeds/internal/feedstats"
	"github.com/flightwatch/flightwatch/feeds/internal/jump"
	"github.com/flightwatch/flightwatch/flight"
)

// Unit conversions.
const (
	FeetPerMetre     = 3.280839895
	KnotsPerMS       = 1.943844492
	FeetPerMinPerMS  = 196.8503937
	minStateElements = 17
	idxICAO24        = 0
	idxCallsign      = 1
	idxTimePosition  = 3
	idxLon           = 5
	idxLat           = 6
	idxBaroAltitude  = 7
	idxOnGround      = 8
	idxVelocity      = 9
	idxTrueTrack     = 10
	idxVerticalRate  = 11
	idxGeoAltitude   = 13
	idxSquawk        = 14
)

// ErrDocument is wrapped when a response cannot be read at all.
var ErrDocument = errors.New("opensky: malformed document")

type document struct {
	Time   *int64            `json:"time"`
	States []json.RawMessage `json:"states"`
}

// Decoder turns state vectors into observations. The zero value is ready.
type Decoder struct {
	// Source is copied into every observation.
	Source string
	jumps  jump.Filter
}

// Decode reads one /api/states/all response received at recv. "states":
// null is an empty answer; a body without "time" is an error.
func (d *Decoder) Decode(body []byte, recv time.Time) ([]flight.Observation, map[string]int, error) {
	var doc document
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrDocument, err)
	}
	if doc.Time == nil {
		return nil, nil, fmt.Errorf("%w: no time", ErrDocument)
	}
	rejects := map[string]int{}
	obs := make([]flight.Observation, 0, len(doc.States))
	for _, raw := range doc.States {
		o, reason := d.state(raw, recv)
		if reason != "" {
			rejects[reason]++
			continue
		}
		obs = append(obs, o)
	}
	return obs, rejects, nil
}

func (d *Decoder) state(raw json.RawMessage, recv time.Time) (flight.Observation, string) {
	var o flight.Observation
	var v []json.RawMessage
	if err := json.Unmarshal(raw, &v); err != nil || len(v) < minStateElements {
		return o, feedstats.ReasonBadRecord
	}
	var hex string
	if json.Unmarshal(v[idxICAO24], &hex) != nil {
		return o, feedstats.ReasonBadRecord
	}
	o.Hex = strings.ToLower(strings.TrimSpace(hex))
	if !flight.ValidHex(o.Hex) {
		return o, feedstats.ReasonBadHex
	}
	tp, ok, err := num(v[idxTimePosition])
	if err != nil {
		return o, feedstats.ReasonBadNumber
	}
	if !ok {
		return o, feedstats.ReasonNoPosition
	}
	lat, okLat, err1 := num(v[idxLat])
	lon, okLon, err2 := num(v[idxLon])
	if err1 != nil || err2 != nil {
		return o, feedstats.ReasonBadNumber
	}
	if !okLat || !okLon {
		return o, feedstats.ReasonNoPosition
	}
	if lat == 0 && lon == 0 {
		return o, feedstats.ReasonZeroPosition
	}
	if tp < 0 || tp > 1e11 {
		return o, feedstats.ReasonBadTime
	}
	o.Time = time.Unix(int64(tp), 0).UTC()
	o.Lat, o.Lon = lat, lon
	alt, ok, err := num(v[idxBaroAltitude])
	if err == nil && !ok {
		alt, ok, err = num(v[idxGeoAltitude])
	}
	if err != nil {
		return o, feedstats.ReasonBadNumber
	}
	if ok {
		o.AltFt, o.Has = alt*FeetPerMetre, o.Has|flight.HasAlt
		if o.AltFt < flight.MinAltFt || o.AltFt > flight.MaxAltFt {
			return o, feedstats.ReasonBadAltitude
		}
	}
	var ground *bool
	if json.Unmarshal(v[idxOnGround], &ground) != nil {
		return o, feedstats.ReasonBadRecord
	}
	if ground != nil {
		o.OnGround, o.Has = *ground, o.Has|flight.HasGround
	}
	for _, f := range []struct {
		idx   int
		scale float64
		dst   *float64
		bit   flight.Field
	}{
		{idxVelocity, KnotsPerMS, &o.GSKt, flight.HasGS},
		{idxTrueTrack, 1, &o.TrackDeg, flight.HasTrack},
		{idxVerticalRate, FeetPerMinPerMS, &o.VRateFPM, flight.HasVRate},
	} {
		x, ok, err := num(v[f.idx])
		if err != nil {
			return o, feedstats.ReasonBadNumber
		}
		if ok {
			*f.dst, o.Has = x*f.scale, o.Has|f.bit
		}
	}
	var cs, sq *string
	if json.Unmarshal(v[idxCallsign], &cs) != nil || json.Unmarshal(v[idxSquawk], &sq) != nil {
		return o, feedstats.ReasonBadRecord
	}
	if cs != nil && len(strings.TrimSpace(*cs)) <= 8 {
		o.Callsign = *cs
	}
	if sq != nil {
		o.Squawk = *sq
	}
	o.Source = d.Source
	o.Normalize()
	if o.Squawk != "" && (len(o.Squawk) != 4 || strings.Trim(o.Squawk, "01234567") != "") {
		o.Squawk = ""
	}
	if err := o.Validate(recv); err != nil {
		return o, feedstats.ReasonInvalid
	}
	if !d.jumps.Allow(o.Hex, o.Time, o.Lat, o.Lon) {
		return o, feedstats.ReasonJump
	}
	return o, ""
}

// num reads a JSON number or null.
func num(raw json.RawMessage) (float64, bool, error) {
	var p *float64
	if err := json.Unmarshal(raw, &p); err != nil {
		return 0, false, err
	}
	if p == nil {
		return 0, false, nil
	}
	if math.IsNaN(*p) || math.IsInf(*p, 0) {
		return 0, false, errors.New("not finite")
	}
	return *p, true, nil
}
