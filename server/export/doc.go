// Package export writes lists of features in the formats the REST API
// offers: GeoJSON FeatureCollections (application/geo+json), GeoJSON text
// sequences (RFC 8142, application/geo+json-seq), CSV (text/csv), KML,
// GPX 1.1, FlatGeobuf and GeoParquet 1.1. Write picks the format from ?f=
// or the Accept header and streams a Set in it.
//
// A Set names its properties (Columns) and gives each feature's values
// (Props) in that order; the server builds its Sets from the tables of
// package feature, so that every format carries the same properties under
// the same names. GeoJSON writes every property, null when unknown. CSV
// writes the geometry as WKT in the first column "wkt", then one column
// per property (see WriteCSV for the cell encoding). KML and GPX leave out
// null values; FlatGeobuf and GeoParquet leave them null.
//
// The Append functions are allocation-free GeoJSON encoders (coordinates
// with 6 decimals, about 0.1 m). Everything here is safe for concurrent
// use: the functions keep no state.
package export
