// Package feedtest holds the helpers the feeds' tests share: reading a
// testdata fixture, running a feed in the background until the test stops
// it, and checking decoded observations and reject counts.
package feedtest
