// Package push parses the bodies of HTTP position ingest
// (POST /api/v1/positions): NDJSON, one observation per line, or a JSON
// array of observations (a single object is accepted too), in the
// flight.Observation wire form. Each element is normalised and validated;
// bad elements are reported per line or element number (from 1) and the
// good ones are kept.
//
// Parse is safe for concurrent use.
package push
