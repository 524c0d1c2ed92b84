// Live aircraft and the flown trails of the watched ones: the stream's
// aircraft features are kept by hex, and each watched aircraft's trail is
// its current flight leg's track, read once from
// /api/v1/aircraft/{hex}/track?since=<leg_start> and then extended with
// every position the stream sends.

import { aircraft, stats, markDirty } from './state.js';
import { fetchJSON } from './util.js';

/** @typedef {import('./state.js').AircraftFeature} AircraftFeature */

const MAX_TRAIL_POINTS = 5000;

/** @type {Map<string, import('geojson').Position[]>} hex → flown [lon, lat] points */
const trails = new Map();
/** @type {Map<string, import('geojson').Position[]>} hex → points received while the track is being fetched */
const trailRequests = new Map();
/** @type {Map<string, string>} hex → the flight leg its trail belongs to */
const trailLegs = new Map();

/**
 * Turns a stream feature into the map's aircraft feature: hex id, a label
 * (callsign, else hex), watched (a watch entry or tags) and a numeric track.
 * @param {import('geojson').Feature} f
 * @returns {AircraftFeature}
 */
export function prepareAircraft(f) {
  /** @type {Record<string, any>} */
  const p = { ...(f.properties || {}) };
  const hex = String(p.hex || f.id || '').toLowerCase();
  p.hex = hex;
  const tags = Array.isArray(p.tags) ? p.tags : (p.tags ? [p.tags] : []);
  p.watched = Boolean(p.watch) || tags.length > 0;
  p.label = String(p.callsign || '').trim() || hex.toUpperCase();
  p.track = Number.isFinite(Number(p.track)) ? Number(p.track) : 0;
  return { type: 'Feature', id: hex, geometry: /** @type {import('geojson').Point} */ (f.geometry), properties: p };
}

/**
 * The start of the aircraft's current flight leg, from its leg_start
 * property (RFC 3339), or '' when it is unknown (absent, null or not a time).
 * @param {Record<string, any>} p aircraft properties
 * @returns {string}
 */
export function legStart(p) {
  const s = p.leg_start;
  return typeof s === 'string' && Number.isFinite(Date.parse(s)) ? s : '';
}

/**
 * Adds or replaces aircraft (a snapshot's or an update's features).
 * @param {import('geojson').Feature[]} features
 */
export function upsertAircraft(features) {
  for (const raw of features) {
    if (!raw || !raw.geometry) continue;
    const f = prepareAircraft(raw);
    if (!f.id) continue;
    aircraft.set(f.id, f);
    if (f.properties.watched) extendTrail(f);
  }
  stats.aircraftUpdates += features.length;
  markDirty('aircraft');
}

/**
 * Forgets aircraft by hex (ids the map does not hold are ignored).
 * @param {Array<string | number>} ids
 */
export function removeAircraft(ids) {
  for (const id of ids) aircraft.delete(String(id).toLowerCase());
  markDirty('aircraft');
}

/** Forgets every aircraft (before a snapshot replaces them). */
export function clearAircraft() {
  aircraft.clear();
}

/**
 * Extends the trail of the aircraft's current flight leg: a new leg starts
 * a new trail, read from the leg's start when that is known.
 * @param {AircraftFeature} f
 */
function extendTrail(f) {
  const hex = f.id;
  const pt = f.geometry.coordinates;
  const leg = String(f.properties.leg || '');
  if (trailLegs.get(hex) !== leg) {
    trailLegs.set(hex, leg);
    trails.delete(hex);
    trailRequests.delete(hex);
    fetchTrail(hex, pt, legStart(f.properties));
    return;
  }
  const pending = trailRequests.get(hex);
  if (pending) {
    pending.push(pt);
    return;
  }
  const line = trails.get(hex);
  if (!line) {
    fetchTrail(hex, pt, legStart(f.properties));
    return;
  }
  const last = line[line.length - 1];
  if (!last || last[0] !== pt[0] || last[1] !== pt[1]) line.push(pt);
  if (line.length > MAX_TRAIL_POINTS) line.splice(0, line.length - MAX_TRAIL_POINTS);
  markDirty('trails');
}

/**
 * Reads the aircraft's track (since the leg's start, when known) and makes
 * it the trail, followed by the points the stream sent meanwhile.
 * @param {string} hex
 * @param {import('geojson').Position} first the position that asked for it
 * @param {string} since RFC 3339, or '' for the whole track held
 */
async function fetchTrail(hex, first, since) {
  const pending = [first];
  trailRequests.set(hex, pending);
  /** @type {import('geojson').Position[]} */
  let coords = [];
  try {
    const q = since ? `?since=${encodeURIComponent(since)}` : '';
    const f = await fetchJSON(`/api/v1/aircraft/${encodeURIComponent(hex)}/track${q}`);
    const g = f && (f.geometry || (f.features && f.features[0] && f.features[0].geometry));
    if (g && g.type === 'LineString') coords = g.coordinates.map((/** @type {number[]} */ c) => [c[0], c[1]]);
  } catch (err) {
    console.warn('flightwatch: track', hex, err instanceof Error ? err.message : err);
  }
  if (trailRequests.get(hex) !== pending) return; // a newer leg took over
  for (const pt of pending) {
    const last = coords[coords.length - 1];
    if (!last || last[0] !== pt[0] || last[1] !== pt[1]) coords.push(pt);
  }
  trailRequests.delete(hex);
  trails.set(hex, coords.slice(-MAX_TRAIL_POINTS));
  markDirty('trails');
}

/**
 * The trails to draw: one LineString per aircraft with two points or more.
 * @returns {import('geojson').Feature<import('geojson').LineString>[]}
 */
export function trailFeatures() {
  const feats = [];
  for (const [hex, coords] of trails) {
    if (coords.length < 2) continue;
    feats.push(/** @type {import('geojson').Feature<import('geojson').LineString>} */ ({
      type: 'Feature', id: hex, properties: { hex }, geometry: { type: 'LineString', coordinates: coords },
    }));
  }
  return feats;
}
