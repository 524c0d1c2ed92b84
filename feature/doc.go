// Package feature is the one feature schema of flightwatch: for each kind of
// feature (aircraft, leg, alert, report, cell, plan, route, track) a table
// of its properties, each with a name, a JSON Schema type, a description
// and a getter. Every output that writes features (the REST GeoJSON,
// GeoJSON-Seq, CSV and GIS exports, the websocket frames, the OGC API)
// and the filters that read them use the same tables, so that every
// output agrees field by field; a leg's outputs add the Provenance table
// (sources, positions) after the Leg table.
//
// Getters return nil for an unknown value (a zero time, an empty optional
// string, a field the source did not send); encoders write it as null and
// never omit the property. Times are returned as time.Time, numbers as
// float64 or int, lists as []string. The aircraft table also has typed
// getters (Prop.Str, Num, Time, List) that agree with Get, for encoders
// that must not allocate.
//
// An aircraft's leg_start is the time of its current leg's first
// sighting, read from the leg id ("<hex>-<Unix seconds>", see LegStart),
// so that clients need not parse leg ids.
//
// The tables are read-only and safe for concurrent use; LegLines reads a
// store and is as safe as the store.
package feature
