// Package feeds runs flightwatch's flight position feeds: SBS-1 receivers
// (sbs), readsb aircraft.json (readsb), the adsb.lol / airplanes.live v2
// API (adsbxv2, configured as kind adsbx-v2), OpenSky (opensky) and
// recorded files (replay), plus report feeds built by the caller. Each feed kind lives in its own package with a
// pure parser and a connect or poll loop; this package decodes the
// `feeds:` configuration, builds and supervises the feeds (restarting a
// failed one with backoff, never letting it stop the others), keeps their
// Status and exports their Prometheus counters.
//
// Every observation a feed hands to the Sink is normalised and validated;
// rejected records are counted per reason. A Manager is safe for
// concurrent use: Status may be called while Run runs.
package feeds
