// Package ogc serves flightwatch's data as OGC API – Features, Part 1: Core
// (conformance classes core, oas30, html and geojson), so that GIS clients
// such as QGIS and GDAL's OAPIF driver can list and download it.
//
// The handler New returns is safe for concurrent use; it reads everything
// from a store.Store on each request. Paths are relative to where it is
// mounted (the server mounts it at /ogc with http.StripPrefix); links carry
// the mount path. Coordinates are CRS84 ([lon, lat], WGS84 degrees), times
// RFC 3339 UTC.
//
// Collections: aircraft, tracks, flights, routes, alerts, reports and
// report-cells. Raw report points are public only when
// Config.PublicRawReports is set or the request is authorised for the
// "read:raw" scope; otherwise the reports collection is still listed, its
// description says so, and its items answer 403. Report cells with a count
// below Config.MinCellCount are withheld.
package ogc
