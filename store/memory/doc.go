// Package memory is the embedded store: every store.Store method answered
// from maps in one process, with the same behaviour as the Redis backend,
// and a store.Bus that fans events out to the subscribers of this process.
//
// Store and Bus are safe for concurrent use. Times are kept in UTC;
// coordinates are WGS84 degrees.
package memory
