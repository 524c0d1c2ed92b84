// Package reports reads enforcement (arrest) reports from CSV, NDJSON and
// GeoJSON documents into validated flight.Report values, and runs a feed that
// polls a URL or watches a file and hands the parsed reports to a Sink.
//
// Parse is a pure function and safe for concurrent use. A Feed is driven by
// one goroutine calling Run. Coordinates are WGS84 degrees, times UTC.
package reports
