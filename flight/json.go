package flight

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// observationWire is the JSON form of an Observation (DESIGN.md):
// {"hex","time","lat","lon","alt_ft","gs_kt","track","vrate_fpm","callsign",
// "reg","type","squawk","on_ground","military","source"}.
type observationWire struct {
	Hex      string   `json:"hex"`
	Time     string   `json:"time"`
	Lat      *float64 `json:"lat"`
	Lon      *float64 `json:"lon"`
	AltFt    *float64 `json:"alt_ft,omitempty"`
	GSKt     *float64 `json:"gs_kt,omitempty"`
	TrackDeg *float64 `json:"track,omitempty"`
	VRateFPM *float64 `json:"vrate_fpm,omitempty"`
	Callsign string   `json:"callsign,omitempty"`
	Reg      string   `json:"reg,omitempty"`
	Type     string   `json:"type,omitempty"`
	Squawk   string   `json:"squawk,omitempty"`
	OnGround *bool    `json:"on_ground,omitempty"`
	Military bool     `json:"military,omitempty"`
	Source   string   `json:"source,omitempty"`
}

// UnmarshalJSON reads the wire form. Missing lat, lon or time, and times
// that are not RFC 3339, are errors; range checks are left to Validate.
func (o *Observation) UnmarshalJSON(b []byte) error {
	var w observationWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.Lat == nil || w.Lon == nil {
		return fmt.Errorf("%w: lat and lon are required", ErrInvalid)
	}
	if w.Time == "" {
		return fmt.Errorf("%w: time is required", ErrInvalid)
	}
	t, err := time.Parse(time.RFC3339Nano, w.Time)
	if err != nil {
		return fmt.Errorf("%w: time %q is not RFC 3339", ErrInvalid, w.Time)
	}
	*o = Observation{Hex: w.Hex, Time: t.UTC(), Lat: *w.Lat, Lon: *w.Lon,
		Callsign: w.Callsign, Reg: w.Reg, Type: w.Type, Squawk: w.Squawk,
		Military: w.Military, Source: w.Source}
	if w.AltFt != nil {
		o.AltFt, o.Has = *w.AltFt, o.Has|HasAlt
	}
	if w.GSKt != nil {
		o.GSKt, o.Has = *w.GSKt, o.Has|HasGS
	}
	if w.TrackDeg != nil {
		o.TrackDeg, o.Has = *w.TrackDeg, o.Has|HasTrack
	}
	if w.VRateFPM != nil {
		o.VRateFPM, o.Has = *w.VRateFPM, o.Has|HasVRate
	}
	if w.OnGround != nil {
		o.OnGround, o.Has = *w.OnGround, o.Has|HasGround
	}
	return nil
}

// MarshalJSON writes the wire form.
func (o Observation) MarshalJSON() ([]byte, error) {
	return o.AppendJSON(make([]byte, 0, 256)), nil
}

// AppendJSON appends the wire form of o to b, without reflection.
func (o *Observation) AppendJSON(b []byte) []byte {
	b = append(b, `{"hex":`...)
	b = AppendQuoted(b, o.Hex)
	b = append(b, `,"time":"`...)
	b = o.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","lat":`...)
	b = AppendFloat(b, o.Lat, 6)
	b = append(b, `,"lon":`...)
	b = AppendFloat(b, o.Lon, 6)
	b = o.appendOptional(b)
	return append(b, '}')
}

// appendOptional appends the known optional fields, each with a leading comma.
func (o *Observation) appendOptional(b []byte) []byte {
	if o.Has&HasAlt != 0 {
		b = append(b, `,"alt_ft":`...)
		b = AppendFloat(b, o.AltFt, 0)
	}
	if o.Has&HasGS != 0 {
		b = append(b, `,"gs_kt":`...)
		b = AppendFloat(b, o.GSKt, 1)
	}
	if o.Has&HasTrack != 0 {
		b = append(b, `,"track":`...)
		b = AppendFloat(b, o.TrackDeg, 1)
	}
	if o.Has&HasVRate != 0 {
		b = append(b, `,"vrate_fpm":`...)
		b = AppendFloat(b, o.VRateFPM, 0)
	}
	b = appendStringField(b, "callsign", o.Callsign)
	b = appendStringField(b, "reg", o.Reg)
	b = appendStringField(b, "type", o.Type)
	b = appendStringField(b, "squawk", o.Squawk)
	if o.Has&HasGround != 0 {
		b = append(b, `,"on_ground":`...)
		b = strconv.AppendBool(b, o.OnGround)
	}
	if o.Military {
		b = append(b, `,"military":true`...)
	}
	b = appendStringField(b, "source", o.Source)
	return b
}

func appendStringField(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return AppendQuoted(b, v)
}

// AppendFloat appends f with at most prec decimals and no trailing zeros.
// Non-finite values are written as null.
func AppendFloat(b []byte, f float64, prec int) []byte {
	if !finite(f) {
		return append(b, "null"...)
	}
	n := len(b)
	b = strconv.AppendFloat(b, f, 'f', prec, 64)
	if prec > 0 {
		for b[len(b)-1] == '0' {
			b = b[:len(b)-1]
		}
		if b[len(b)-1] == '.' {
			b = b[:len(b)-1]
		}
	}
	if string(b[n:]) == "-0" {
		b = append(b[:n], '0')
	}
	return b
}
