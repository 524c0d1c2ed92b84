// Package partition gives every aircraft one owner among the instances
// sharing a Redis store, and routes observations to it.
//
// The aircraft hexes are split into the store's partitions (Count, the
// same hash the store spreads its keys by: keyspace.Partition). Leases
// makes each partition owned by exactly one live instance through a lease
// key in Redis (SET NX PX, renewed every TTL/3 by a compare-and-pexpire
// script); instances announce themselves in a sorted set, each aims at
// its fair share ceil(Count/live), takes free partitions and hands
// surplus ones over when others join. A lease not renewed (its instance
// died) expires after TTL and the others take it over.
//
// Router wraps the ingest pipeline: the observations of owned partitions
// go straight into the local pipeline; the others are appended to their
// partition's stream, which the owner reads with a consumer group, feeds
// through its pipeline and acknowledges once the store took them. A new
// owner first claims the entries its predecessor read but did not
// acknowledge. Router is also the Leases' Handover: it seeds the tracker
// with a partition's live legs before consuming it and drops the state of
// partitions it gave away.
//
// Every key a script or transaction touches is one key, so all of it
// works on a single Redis and on a Redis Cluster. Leases and Router are
// safe for concurrent use.
package partition
