// Package sink defines the Sink a feed hands its observations to, and the
// Buffer that batches them and keeps them while the sink fails (up to
// MaxPending, beyond which the oldest are counted lost).
//
// A Buffer is not safe for concurrent use; each feed owns its own.
package sink
