// Package store defines what flightwatch keeps and how it is queried: the
// Store interface, its query types, the change Bus, and the errors both
// backends return. The backends live in store/memory (the embedded default)
// and store/redis; store/storetest holds the one contract test suite that
// both must pass.
//
// Store.Write takes one ingest batch (a Batch: aircraft, track points,
// legs, alerts) in one step. The alerts it adds go into the alert log,
// which Outbox hands to consumer groups at least once (package notify
// delivers them to webhooks and the bus).
//
// Implementations are safe for concurrent use.
package store
