// Package server serves flightwatch over HTTP: the v1 REST API (GeoJSON
// FeatureCollections, with GeoJSON text sequence and CSV exports), the
// websocket hub that pushes aircraft, alert, report and cell updates to
// browser maps, the webhook delivery listing (webhooks themselves are
// sent by package notify), health checks and Prometheus metrics.
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
// cell, lists are joined with ";"). Unknown values are JSON null.
//
// # Websocket
//
// GET /api/v1/stream (token for raw reports as ?token= or an
// Authorization header). The client sends
//
//	{"op":"subscribe","bbox":[minLon,minLat,maxLon,maxLat],
//	 "layers":["aircraft","alerts","reports"],
//	 "resume":{"epoch":"...","offset":N}}
//
// (bbox absent: everywhere; layers absent: aircraft; resume optional) and
// again whenever the viewport changes. The server answers with
// {"type":"snapshot","layer":"aircraft"|"cells","epoch","offset","data":FC}
// (replace the layer), or, when resume names the current epoch and an
// offset still kept, {"type":"resumed","epoch","offset","missed":N}
// followed by the missed batches. Then, once per tick:
// {"type":"update","layer":"aircraft"|"reports"|"cells","epoch","offset",
// "data":FC} (add or replace features by id), {"type":"remove",
// "layer":"aircraft","ids":[...]} (aircraft gone or out of the viewport),
// {"type":"alert","epoch","offset","data":Feature}. Bad messages get
// {"type":"error","error":"..."}; 20 in a row, or one over 64 KB, close
// the connection. A client that falls behind is skipped ahead: it gets
// no aircraft update while its queue holds unsent ones, then one update
// with the latest state of every aircraft it missed (and one remove); its
// offset is the newest batch it holds in full, so resuming from it may
// repeat, never miss. A client whose queue has had nothing written for
// 10 s, or whose snapshots and alerts exceed Config.WSQueueBytes, is
// closed with code 1013 and a reason. When the bus loses events the epoch
// changes and every client gets a fresh snapshot.
//
// The hub receives changes only from the Bus, so several instances sharing
// one Redis bus push each other's updates. Alerts reach the bus from the
// store's durable alert log (notify.Relay), at least once each.
//
// Coordinates are WGS84 [lon, lat] degrees (RFC 7946); times are RFC 3339
// in UTC; altitudes are feet, speeds knots, vertical rates feet per minute,
// distances kilometres.
package server
