// Package migrate moves a Redis store written by the layout whose keys all
// shared one hash tag ("{prefix}:...", one Redis Cluster slot) to the
// layout whose keys spread over a cluster (store/redis/internal/keyspace
// names both). Run is idempotent and resumable, and never overwrites what
// the new layout holds; it is meant to run once, with the instances of the
// prefix stopped, and is not safe to run twice at once on one prefix.
package migrate
