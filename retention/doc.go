// Package retention enforces how long a store keeps each kind of data:
// Run expires what is too old every so often, in the background (the
// stores expire a page at a time, so ingest is never held up for long),
// and keeps Prometheus gauges of what the store holds and counters of
// what was expired. A Retainer is safe for concurrent use.
package retention
