// Package geo holds flightwatch's pure geometry: H3 cells and covers,
// great-circle distances and routes, the embedded airport list with its
// nearest-airport index, country outlines, and the place-name gazetteer.
//
// It is the only package that imports h3-go. Points are orb.Point
// ([lon, lat], WGS84 degrees); distances carry their unit in the name (Km,
// NM). Everything here is safe for concurrent use once built.
package geo
