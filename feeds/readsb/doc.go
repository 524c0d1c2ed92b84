// Package readsb polls the aircraft.json document of readsb, dump1090-fa
// and tar1090 (data/aircraft.json) and turns its aircraft into flight
// observations.
//
// Units follow the document: altitudes feet (alt_baro, or "ground" for an
// aircraft on the ground; older forks write altitude), speeds knots (gs,
// older forks speed), rates feet per minute. A position's time is the
// document's now minus seen_pos; positions older than MaxAge (60 s) and
// aircraft without a position are skipped. A Decoder is also used by the
// adsbxv2 package, whose items carry the same keys.
//
// A Decoder keeps per-aircraft state for the position jump filter and is
// not safe for concurrent use.
package readsb
