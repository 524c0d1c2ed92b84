// Package adsbxv2 polls the ADS-B Exchange v2 shaped API that adsb.lol and
// airplanes.live serve ({"ac":[...],"now":ms,"total":N,...}) at one of its
// endpoints (/v2/mil, /v2/hex/{hex}, /v2/callsign/{cs}, /v2/type/{t},
// /v2/sqk/{code}, /v2/ladd, /v2/pia, /v2/point/{lat}/{lon}/{radius_nm}).
//
// Items carry the aircraft.json keys and are decoded by readsb.Decoder, in
// the same units. On HTTP 429 the feed waits what Retry-After asks (seconds
// or an HTTP date) before polling again.
//
// Parse is pure; a Feed is not safe for concurrent use except its Run.
package adsbxv2
