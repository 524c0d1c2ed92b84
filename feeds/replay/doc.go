// Package replay plays a recorded file of observations as a live feed,
// and records one: a Recorder is a sink that writes what the feeds
// receive in the NDJSON form below.
//
// A file holds one record per line, in either form (they may be mixed):
//
//   - NDJSON: a flight.Observation in its JSON wire form, as a Recorder
//     writes it and POST /api/v1/positions reads it;
//   - SBS-1: a BaseStation line as a receiver sends it, read in the feed's
//     time zone. A line may carry its receive time as a prefix: "@" and the
//     time (RFC 3339, or Unix seconds with a fraction) then one space, e.g.
//     "@2024-11-24T08:00:00.250Z MSG,3,1,1,A1B2C3,...". The prefix time is
//     used for lines whose own time fields are empty; a line with neither
//     takes the time of the record before it.
//
// Times are re-based: the first record of each pass maps to the current
// time (Options.Now when a pass starts), and each later record keeps its
// distance from the first divided by Speed (1 is real time, 60 plays a
// minute per second). Each observation is sent when its re-based time
// arrives, carrying that re-based time, so replayed flights look live to
// the tracker. With Loop the file starts over at its end, as a new pass.
//
// A Feed is not safe for concurrent use except its Run; a Recorder is.
package replay
