// Package ingest is flightwatch's pipeline from sources to the store: it
// runs each observation through the tracker, stores the aircraft state,
// track points, flight legs and new alerts, and publishes the changes on
// the bus. Feeds and the HTTP API hand it observations and reports.
//
// A Pipeline is safe for concurrent use. Its Run loop drives the clock-
// based work: plan deadlines, silent aircraft, and removing stale aircraft.
package ingest
