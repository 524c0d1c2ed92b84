// Package lines reads line-oriented input (SBS-1 streams, recordings,
// NDJSON bodies) with a limit on the length of one line: an over-long line
// is reported and skipped, and reading goes on with the next, so one bad
// line never fails the whole stream.
//
// A Reader is not safe for concurrent use.
package lines
