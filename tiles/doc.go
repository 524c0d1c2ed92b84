// Package tiles draws the offline basemap as Mapbox vector tiles from data
// embedded in the binary: land and countries (Natural Earth 1:10m), lakes
// (Natural Earth 1:50m), country borders, US states and counties (US
// Census via us-atlas), populated places (GeoNames) and airports
// (OurAirports, from package geo). It also
// serves a TileJSON description of the tile set and the SDF glyphs that
// the map's labels are drawn with.
//
// Coordinates are WGS84 [lon, lat]; tiles are in the web-mercator XYZ
// scheme with an extent of 4096. A Basemap and a Handler are safe for
// concurrent use.
package tiles
