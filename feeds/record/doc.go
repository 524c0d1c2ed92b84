// Package record writes the observations feeds receive as NDJSON, one
// flight.Observation in its JSON wire form per line, the format the replay
// feed and POST /api/v1/positions read back.
//
// A Recorder is safe for concurrent use.
package record
