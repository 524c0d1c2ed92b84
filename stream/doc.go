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
// # Protocol
//
// GET /api/v1/stream (token for raw reports as ?token= or an
// Authorization header, as the Privacy policy decides). The client sends
//
//	{"op":"subscribe","bbox":[minLon,minLat,maxLon,maxLat],
//	 "layers":["aircraft","alerts","reports"],
//	 "resume":{"epoch":"...","offset":N}}
//
// (bbox absent: everywhere; layers absent: aircraft; resume optional;
// "format":"delta" for compact aircraft updates, see below) and
// again whenever the viewport changes. The server answers with
// {"type":"snapshot","layer":"aircraft"|"cells","epoch","offset","data":FC}
// (replace the layer), or, when resume names the current epoch and an
// offset still kept, {"type":"resumed","epoch","offset","missed":N}
// followed by the missed batches (those older than about a second keep
// only which aircraft changed where: their aircraft changes come as one
// update with the latest state of those aircraft inside the viewport, full
// items, and one remove for the others, as for a client that fell
// behind). Then, once per tick:
// {"type":"update","layer":"aircraft"|"reports"|"cells","epoch","offset",
// "data":FC} (add or replace features by id), {"type":"remove",
// "layer":"aircraft","ids":[...]} (aircraft gone or out of the viewport),
// {"type":"alert","epoch","offset","data":Feature}. Bad messages get
// {"type":"error","error":"..."}; 20 in a row, or one over 64 KB, close
// the connection. A client that falls behind is skipped ahead: it gets
// no aircraft update while its queue holds unsent ones, then one update
// with the latest state of every aircraft it missed (and one remove); its
// offset is the newest batch it holds in full, so resuming from it may
// repeat, never miss. A client whose queue has had nothing written for
// 10 s, or whose snapshots and alerts exceed Config.QueueBytes, is
// closed with code 1013 and a reason. When the bus loses events the epoch
// changes and every client gets a fresh snapshot. A remove may name
// aircraft the client does not hold (it is sent for every aircraft that
// was inside the viewport at the hub's previous state): ignore those.
//
// The wire protocol is GeoJSON by default; a client that subscribes with
// "format":"delta" gets, after the GeoJSON snapshot, compact updates that
// carry only the fields of an aircraft that changed, rounded to what a
// map needs (see delta.go), under the names of the aircraft feature table
// (package feature; the item's "id" is the hex). GeoJSON features are
// written by Deps.Encoder, which the server builds on the same tables.
// Coordinates are degrees, [lon, lat].
//
// A Hub is safe for concurrent use; Run must be called once.
package stream
