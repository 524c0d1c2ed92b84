// Package ogc serves flightwatch's data as OGC API – Features: Part 1, Core
// (conformance classes core, oas30, html and geojson), Part 2, CRS (CRS84,
// EPSG:4326 and EPSG:3857 through crs, bbox-crs and filter-crs, with a
// Content-Crs header), and Part 3, queryables and filtering with CQL2
// (cql2-text and cql2-json, see package cql2), so that GIS clients such as
// QGIS, GDAL's OAPIF driver and OWSLib can list, filter and download it.
//
// The handler New returns is safe for concurrent use; it reads everything
// from a store.Store on each request, asking the store for what it can
// answer (bbox, time windows, equalities, paging; see pushdown.go) and
// evaluating the rest of a filter itself. Paths are relative to where it is
// mounted (the server mounts it at /ogc with http.StripPrefix); links carry
// the mount path. Coordinates are CRS84 ([lon, lat], WGS84 degrees) unless
// crs asks for another; times are RFC 3339 UTC. Feature properties come
// from the feature schema (package feature), every one present, unknown
// values null.
//
// Collections: aircraft, tracks, flights, routes, alerts, reports and
// report-cells. Raw report points are public only when
// Config.PublicRawReports is set or the request is authorised for the
// "read:raw" scope; otherwise the reports collection is still listed, its
// description says so, and its items answer 403. Report cells with a count
// below Config.MinCellCount are withheld.
package ogc
