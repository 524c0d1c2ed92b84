// Package feedtest holds the helpers the feeds' tests share: reading a
// testdata fixture, running a feed in the background until the test stops
// it (Start) or until it delivered enough (Until), an HTTP server that
// numbers and times the polls it answers (Serve), a Collector sink and a
// Counts stats that keep what they receive, and checking decoded
// observations and reject counts.
//
// Collector, Counts and Server are safe for concurrent use.
package feedtest
