// Package opensky polls the OpenSky Network REST API (/api/states/all) and
// turns its state vectors into flight observations.
//
// State vectors are arrays read by index (17 elements, 18 with
// extended=1). OpenSky speaks metres, metres per second and m/s vertical
// rate; they are converted to feet, knots and feet per minute. A
// position's time is time_position; vectors without one (null) are
// skipped. The bounding box goes in the lamin/lomin/lamax/lomax query.
// Accounts authenticate with basic auth or OAuth2 client credentials (the
// bearer token is fetched from the token URL and cached until it expires).
// On HTTP 429 the feed waits X-Rate-Limit-Retry-After-Seconds.
//
// A Decoder keeps state for the position jump filter and is not safe for
// concurrent use.
package opensky
