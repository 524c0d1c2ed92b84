// Package pipe holds the pieces every flight feed shares: the Sink the
// observations go to, the Stats a feed reports into, the buffer that batches
// observations and keeps them when the sink fails, the position jump filter,
// reconnect backoff, the HTTP poll loop with rate-limit handling, and the
// helpers that fill a feed's defaults, build its poll requests and deliver
// decoded poll bodies.
//
// Nothing here is safe for concurrent use unless its doc comment says so;
// each feed owns its own values.
package pipe
