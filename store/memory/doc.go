// Package memory is the embedded store: every store.Store method answered
// from maps in one process, with the same behaviour as the Redis backend,
// and a store.Bus that fans events out to the subscribers of this process.
//
// Store and Bus are safe for concurrent use. Times are kept in UTC;
// coordinates are WGS84 degrees.
//
// Track points are kept compact, 16 bytes each: a point reads back with
// its time truncated to the microsecond, its latitude and longitude
// rounded to 1e-7 degree (about 1 cm) and its altitude rounded to the
// foot and held to [-16384, 114686] ft; of Has only HasAlt is kept. Leg
// lines keep 20-byte records (store/internal/legline) with the same
// precision. Storing a leg again (a flying aircraft's leg, with each
// observation) costs O(1): recently stored legs are kept apart from the
// ordered index of the others (legindex.go).
package memory
