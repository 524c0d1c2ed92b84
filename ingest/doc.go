// Package ingest is flightwatch's pipeline from sources to the store: it
// runs each observation through the tracker, stores the aircraft state,
// track points, flight legs and new alerts, and publishes the changes on
// the bus. Feeds and the HTTP API hand it observations and reports; the
// bodies of HTTP position pushes are parsed by its sub-package push.
//
// A batch is stored first and committed to the tracker after: the tracker
// steps a provisional copy of the touched aircraft (track.Txn), the whole
// batch goes to the store in one Store.Write within Options.WriteTimeout,
// and only then is the tracker's state kept. When the write fails the
// tracker is put back, so a retry of the batch stores and raises the same
// again; track points keyed by time and alerts keyed by cause make a
// repeat harmless.
//
// A Pipeline is safe for concurrent use. Its Run loop drives the clock-
// based work: plan deadlines, silent aircraft, and removing stale aircraft.
package ingest
