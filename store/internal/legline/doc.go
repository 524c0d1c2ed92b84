// Package legline is the compact form both stores keep a leg's own line
// in: fixed 20-byte records (time in Unix µs, big-endian so that records
// compare in time order as byte strings; latitude and longitude in 1e-7 degrees
// and altitude in feet, little-endian), appended as the leg grows and thinned
// to every other point when a line is full. Its functions are pure.
package legline
