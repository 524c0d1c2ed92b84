// Package query holds the query semantics both store backends share: which
// legs, alerts and reports a query selects, in what order, and how report
// times map to the UTC days the aggregates are kept by. Keeping them in one
// place is what makes the memory and Redis backends answer alike.
//
// Every function is pure and safe for concurrent use. Days are counted in
// whole UTC days since the Unix epoch.
package query
