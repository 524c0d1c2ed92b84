// Command flightwatch-bench drives one or two running flightwatch servers
// in one run and prints what they did under load.
//
// It posts NDJSON batches of synthetic aircraft (60% over the contiguous
// US, 40% over Europe) at a target rate from several writers, times bbox
// queries, and holds websocket viewports (regional 12°×8° boxes, or the
// whole world). Every observation carries its send time in the callsign
// (eight base-36 digits of Unix milliseconds), so a viewer that decodes a
// frame measures the hop from POST to frame. One viewer in --decode-every
// decodes its frames; the others read and discard.
//
// With --pid (and --pid2 for --url2) it reads the server's CPU time and
// resident memory from /proc. With --url2 the same load goes to a second
// server at the same time, and the report shows both side by side.
//
//	flightwatch-bench --url http://127.0.0.1:8080 --token T --pid 1234 \
//	    --rate 30000 --batch 100 --ws 1000 --duration 30s
package main
