// Package feature is the one feature schema of flightwatch: for each kind of
// feature (aircraft, leg, alert, report, cell, plan, route, track) a table
// of its properties, each with a name, a JSON Schema type, a description
// and a getter. Outputs that write features and filters that read them use
// the same tables, so that every output agrees field by field.
//
// Getters return nil for an unknown value (a zero time, an empty optional
// string, a field the source did not send); encoders write it as null and
// never omit the property. Times are returned as time.Time, numbers as
// float64 or int, lists as []string.
package feature
