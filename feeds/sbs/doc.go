// Package sbs reads SBS-1 (BaseStation) CSV lines, as dump1090, readsb and
// dump1090-fa write them on TCP port 30003, and merges the partial MSG
// types of each aircraft into whole flight observations.
//
// One MSG line carries only part of an aircraft's state (callsign in MSG,1,
// position in MSG,3, speed, track and vertical rate in MSG,4, squawk in
// MSG,6). A Parser keeps the latest of each per aircraft for StateTTL
// (60 s) and emits an observation whenever a position arrives, carrying the
// latest known other fields. Altitudes are feet (an "H" suffix marks GNSS
// altitude and is accepted), speeds knots, vertical rates feet per minute.
// Times are read in the feed's time zone (readsb writes UTC, dump1090-fa
// local time); lines with empty time fields take the receive time.
//
// A Parser is not safe for concurrent use; a Feed runs one.
package sbs
