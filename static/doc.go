// Package static holds the flightwatch browser map: an HTML page, vanilla
// JavaScript modules and MapLibre GL JS, embedded in the binary with go:embed
// so that the map works with no CDN and no network at run time.
//
// The basemap is drawn from Natural Earth country outlines (public domain)
// in web/data; front-end libraries are copied from npm (package-lock.json is
// the source of truth) into web/vendor by vendor.sh.
//
// The page talks to the server only through the public HTTP API and the
// /api/v1/stream websocket described in the design document. FS is safe for
// concurrent use.
package static
