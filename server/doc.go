// Package server serves flightwatch over HTTP: the v1 REST API (GeoJSON
// FeatureCollections, with GeoJSON text sequence and CSV exports), the
// websocket stream that pushes aircraft, alert, report and cell updates
// to browser maps (package stream, mounted here), the webhook delivery
// listing (webhooks themselves are sent by package notify), health checks
// and Prometheus metrics.
//
// A Server is built with New from a Config (zero fields take documented
// defaults) and Deps (the store, the change bus, the ingest pipeline, the
// static map, the OGC handler, a logger and a metrics registry). Its
// Handler is safe for concurrent use. Run or Serve start the HTTP server
// and the hub and return when their context is done.
//
// # Exports
//
// The list endpoints (aircraft, flights, alerts, reports, cells, routes)
// answer a GeoJSON FeatureCollection (application/geo+json), or with
// "Accept: application/geo+json-seq" or ?f=geojsonseq a GeoJSON text
// sequence (RFC 8142: each Feature after 0x1E, ending in LF), or with
// "Accept: text/csv" or ?f=csv a CSV with a header row, the geometry as
// WKT in the first column "wkt", then the properties (null is an empty
// cell, lists are joined with ";", a ";" or "\" inside an item escaped
// with "\"), or KML, GPX, FlatGeobuf or GeoParquet (?f=kml, gpx, fgb,
// parquet); package export writes them all. Unknown values are JSON null.
//
// Every output (these, the single aircraft, the websocket frames and the
// OGC API) takes a feature's properties from the tables of package
// feature: the same names everywhere, CSV columns included.
//
// # Websocket
//
// GET /api/v1/stream is the websocket hub of package stream, which
// documents the protocol; the server mounts it and gives it the store,
// the bus, its feature encoders and its privacy rules (the threshold k,
// and raw reports for tokens with scope read:raw, as ?token= or an
// Authorization header).
//
// The hub receives changes only from the Bus, so several instances sharing
// one Redis bus push each other's updates. Alerts reach the bus from the
// store's durable alert log (notify.Relay), at least once each.
//
// Coordinates are WGS84 [lon, lat] degrees (RFC 7946); times are RFC 3339
// in UTC; altitudes are feet, speeds knots, vertical rates feet per minute,
// distances kilometres.
package server
