// Package codec holds the forms the Redis store writes its values in: the
// binary form of aircraft states and track points (codec.go), the binary
// form of bus events (event.go), and the packed value of a month
// aggregate's cell (packed.go). Each decoder checks what it reads and
// returns an error wrapping ErrCorrupt rather than trusting the bytes.
//
// Everything here is a pure function, safe for concurrent use. Times are
// kept to the nanosecond in UTC; coordinates are WGS84 degrees.
package codec
