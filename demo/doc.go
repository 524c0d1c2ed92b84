// Package demo replays the bundled scenario: the removal flights of 23-26
// January 2025 as reconstructed from news reports (configs/demo). It feeds
// the simulated tracks through the replay feed into the same pipeline a
// live deployment uses, posts the flight plans with their departure times
// moved to the present, and loads the reported arrest figures. Apply wires
// it into a process (its watchlist, the map's About panel and scenario
// clock); Setup.Run plays it.
//
// The tracks, times and aircraft addresses are simulated; the map says so.
package demo
