// Package feedstats defines the Stats interface a feed reports its counts
// into, the reasons a record is rejected for (the reason label of the
// rejects counter), and the defaults of a feed's Stats, Logger and clock.
//
// Implementations of Stats must be safe for concurrent use; Nop is.
package feedstats
