// Package backoff spaces the retries of a failing feed: Doubling doubles
// a delay up to a cap, and Wait sleeps for a delay unless the context ends
// first.
//
// A Doubling is not safe for concurrent use; Wait is.
package backoff
