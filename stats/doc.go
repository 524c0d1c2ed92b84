// Package stats counts flight legs of watched aircraft per period and
// group, as public monitors of removal flights publish them: per ISO week
// or calendar month (UTC), by destination country, destination airport,
// origin airport, operator or class, each period against the mean of the
// six before it.
//
// KeyOf says under which day and groups a leg is counted; stores keep
// per-day counters by those keys as legs are written (and move a leg's
// count when its groups change), and Rows folds day counts into periods.
// Everything here is pure and safe for concurrent use.
package stats
