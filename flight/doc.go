// Package flight holds flightwatch's domain value types: observations of an
// aircraft, the aircraft's current state, flight legs, flight plans, alerts
// and enforcement reports, with their validation and JSON wire forms.
//
// It does no I/O and imports nothing of flightwatch's own. Values are plain
// data and safe to copy; nothing here is safe for concurrent mutation.
//
// Units are in the names: AltFt (feet), GSKt (knots), TrackDeg (degrees true,
// 0-360), VRateFPM (feet per minute). Coordinates are WGS84 degrees. Times
// are UTC.
package flight
