// Package query holds the query semantics both store backends share: which
// legs, alerts and reports a query selects, in what order, and how report
// times map to the UTC days and calendar months the aggregates are kept by,
// how a window splits into whole months and partial-month days
// (SplitDays), and how aggregates are summed per cell (CellSums). Keeping
// them in one place is what makes the memory and Redis backends answer
// alike.
//
// Every function is pure and safe for concurrent use; a CellSums is used
// by one goroutine, and Centers is safe for concurrent use. Days are
// counted in whole UTC days since the Unix epoch, months as
// year*12 + month-1 of the UTC calendar.
package query
