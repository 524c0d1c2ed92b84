// Package track keeps per-aircraft state from a stream of observations:
// it merges each aircraft's fields, thins its trail, segments its flights
// into legs (ground → airborne → ground), matches legs to flight plans and
// watchlist entries, and runs the detectors that raise alerts (departed,
// landed, off_route, diverted, turned_back, holding, not_departed,
// signal_lost, emergency, geofence).
//
// Its sub-packages hold what the tracker reads and the pure parts: watch
// (watchlists), routes (callsign route tables), plans (flight plan files),
// geofence (configured areas) and detect (the detectors' state machines
// and verdicts).
//
// A leg's id is the aircraft's hex and the Unix seconds of the leg's first
// sighting (taxiing, or already airborne), and stays the same for the
// leg's whole life; alert keys are built from it (legID/departed,
// legID/holding, legID/off_route, then legID/off_route/2 for a second
// excursion from the planned corridor, and so on).
//
// While a watched leg is airborne the tracker predicts its destination
// (flight.Leg's Predicted* fields) from, in order of trust, its plan, the
// airframe's history of landed legs and mission chains, a callsign route
// table (routes.Load, SetRoutes) and the course it holds; the predictors
// are pure functions in predict.go. A watched leg with no plan that lands
// away from a firmly held prediction, or away from its origin after
// turning back, raises diverted. Every leg is classed (removal, domestic,
// return, foreign, unknown) against Config.HomeCountry. Seed rebuilds
// histories and live legs from stored legs after a restart.
//
// Detection runs on observation time, so a replayed or late flight raises
// the same alerts as a live one; only not_departed and signal_lost also
// need Tick, which advances a feed clock (the newest observation time, moved
// on by the wall clock while the feed is quiet).
//
// A Tracker is safe for concurrent use: state is sharded by hex with a mutex
// per shard. Watchlists and route tables are read-only once loaded and
// safe to share.
//
// Units are in the names: Kt (knots), Ft (feet), Km, NM (nautical miles),
// Deg (degrees true). Times are UTC. track imports only flight, geo and
// its own sub-packages.
package track
