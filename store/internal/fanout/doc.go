// Package fanout holds the per-subscriber event queue that both bus
// backends use: a bounded queue that never blocks the publisher, drops the
// oldest events when full and tells the subscriber so with an Event of kind
// store.EventLost before the next event it delivers.
//
// A Queue is safe for concurrent use.
package fanout
