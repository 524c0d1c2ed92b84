// Package poll is the HTTP poll loop of the polled feeds (readsb,
// adsbx-v2, OpenSky): Loop fetches a URL every interval, backs off on
// failures and honours the waits a rate-limited answer asks for
// (Retry-After, as seconds or an HTTP date, or a feed's own header); Get
// builds a poll's request and Deliver turns each body into observations
// for a sink.
//
// A Loop is not safe for concurrent use except its Run.
package poll
