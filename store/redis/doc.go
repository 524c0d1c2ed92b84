// Package redis keeps the store in Redis (or Redis Cluster) with go-redis
// v9, so that several flightwatch instances share one state; package
// pubsub carries change events between them with Redis PUBLISH/SUBSCRIBE.
//
// Events travel in a compact binary form (internal/codec) that leads with the
// kind, so that a subscriber can skip kinds it does not want undecoded;
// JSON events are still read, but instances older than the binary form
// cannot read it, so instances sharing a channel are upgraded together.
//
// Aircraft are kept in a compact binary form and indexed by H3 cell;
// reports are counted into per-day and per-month aggregate hashes as they
// are added (a window reads whole months and its partial-month days), so
// that the cell layer never scans raw reports. Key names are built in
// internal/keyspace, and only there: their hash tags spread a store over a Redis
// Cluster's slots (aircraft by partition, cell sets by coarse cell,
// reports by month), and package migrate moves a store from the older layout
// that kept every key in one slot; the Lua scripts that update several keys
// atomically are in scripts/, embedded. The binary and packed value forms
// are in internal/codec, the H3 caches of the aircraft index in
// internal/cellcache. Errors that mean Redis cannot be reached wrap
// store.ErrUnavailable; a missing key is store.ErrNotFound.
//
// Store and Bus are safe for concurrent use. Times are kept in UTC;
// coordinates are WGS84 degrees.
package redis
