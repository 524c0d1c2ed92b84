// Package store defines what flightwatch keeps and how it is queried: the
// Store interface, its query types, the change Bus, and the errors both
// backends return. The backends live in store/memory (the embedded default)
// and store/redis; store/storetest holds the one contract test suite that
// both must pass.
//
// Implementations are safe for concurrent use.
package store
