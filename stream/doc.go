// Package stream pushes live changes to websocket clients: the hub reads
// the change bus, merges the changes of one tick (the latest state per
// aircraft), numbers each tick's batch by epoch and offset, and delivers
// to each client the part of the batch inside its viewport.
//
// The hub indexes subscriptions by map tile, so a tick touches only the
// clients whose viewport holds a changed aircraft, and encodes each
// feature once per tick, whatever the number of clients. Each client has
// one reader and one writer goroutine and a byte-bounded send queue; a
// client that falls behind skips ahead to the latest state of what it
// missed, and one whose queue does not move is closed with a reason. The
// hub never waits on a client's socket nor on the store: snapshots are
// read by the client's own goroutine, and changed report cells by a
// worker of their own.
//
// The wire protocol is GeoJSON by default; a client that subscribes with
// "format":"delta" gets, after the GeoJSON snapshot, compact updates that
// carry only the fields of an aircraft that changed, rounded to what a
// map needs (see delta.go). Coordinates are degrees, [lon, lat].
//
// A Hub is safe for concurrent use; Run must be called once.
package stream
