// Package pubsub carries the store's change events between flightwatch
// instances over one Redis PUBLISH/SUBSCRIBE channel (a single Redis or a
// Redis Cluster), in the binary form of store/redis/internal/codec; JSON
// events of older instances are still read. Bus is safe for concurrent
// use; each subscriber has its own subscription and bounded queue, and
// its channel is closed when its context is done.
package pubsub
