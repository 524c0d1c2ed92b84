// Package feedtest holds the helpers the feeds' tests share: reading a
// testdata fixture, running a feed in the background until the test stops
// it, a Collector sink and a Counts stats that keep what they receive, and
// checking decoded observations and reject counts.
//
// Collector and Counts are safe for concurrent use.
package feedtest
