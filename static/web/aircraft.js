// Live aircraft and the flown trails of the watched ones: the stream's
// aircraft features are kept by hex, and each watched aircraft's trail is
// its current flight leg's track, read once from
// /api/v1/aircraft/{hex}/track?since=<leg_start> and then extended with
// every position the stream sends. Trails keep each point's time, so that
// the past view draws them only up to the viewed time.

import { aircraft, stats, markDirty } from './state.js';
import { fetchJSON } from './util.js';

/** @typedef {import('./state.js').AircraftFeature} AircraftFeature */

const MAX_TRAIL_POINTS = 5000;

/**
 * A flown trail: [lon, lat] points, oldest first, and each point's time.
 * @typedef {{ coords: import('geojson').Position[], times: number[] }} Trail
 */

/** @type {Map<string, Trail>} hex → its flown trail */
const trails = new Map();
/** @type {Map<string, Trail>} hex → points received while the track is being fetched */
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
    recordLiveTrail(f);
  }
  stats.aircraftUpdates += features.length;
  markDirty('aircraft');
}

/**
 * Forgets aircraft by hex (ids the map does not hold are ignored).
 * @param {Array<string | number>} ids
 */
export function removeAircraft(ids) {
  for (const id of ids) {
    aircraft.delete(String(id).toLowerCase());
    liveTrails.delete(String(id).toLowerCase());
  }
  markDirty('aircraft');
  markDirty('live-trails');
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
  const t = pointTime(f.properties);
  const leg = String(f.properties.leg || '');
  if (trailLegs.get(hex) !== leg) {
    trailLegs.set(hex, leg);
    trails.delete(hex);
    trailRequests.delete(hex);
    fetchTrail(hex, pt, t, legStart(f.properties));
    return;
  }
  const pending = trailRequests.get(hex);
  if (pending) {
    pending.coords.push(pt);
    pending.times.push(t);
    return;
  }
  const line = trails.get(hex);
  if (!line) {
    fetchTrail(hex, pt, t, legStart(f.properties));
    return;
  }
  if (appendPoint(line, pt, t)) markDirty('trails');
}

/**
 * The time of a stream position: its seen property, else now.
 * @param {Record<string, any>} p
 * @returns {number} Unix ms
 */
function pointTime(p) {
  const seen = Date.parse(String(p.seen || ''));
  return Number.isFinite(seen) ? seen : Date.now();
}

/**
 * Adds a point to a trail unless it repeats the last one or is older than
 * it (late data does not move a trail); keeps the newest MAX_TRAIL_POINTS.
 * @param {Trail} line
 * @param {import('geojson').Position} pt
 * @param {number} t Unix ms
 * @returns {boolean} whether the trail changed
 */
function appendPoint(line, pt, t) {
  const n = line.coords.length;
  const last = line.coords[n - 1];
  if (last && ((last[0] === pt[0] && last[1] === pt[1]) || t < line.times[n - 1])) return false;
  line.coords.push(pt);
  line.times.push(t);
  if (line.coords.length > MAX_TRAIL_POINTS) {
    line.coords.splice(0, line.coords.length - MAX_TRAIL_POINTS);
    line.times.splice(0, line.times.length - MAX_TRAIL_POINTS);
  }
  return true;
}

/**
 * Reads the aircraft's track (since the leg's start, when known) and makes
 * it the trail, followed by the points the stream sent meanwhile.
 * @param {string} hex
 * @param {import('geojson').Position} first the position that asked for it
 * @param {number} firstTime its time, Unix ms
 * @param {string} since RFC 3339, or '' for the whole track held
 */
async function fetchTrail(hex, first, firstTime, since) {
  /** @type {Trail} */
  const pending = { coords: [first], times: [firstTime] };
  trailRequests.set(hex, pending);
  /** @type {Trail} */
  const line = { coords: [], times: [] };
  try {
    const q = since ? `?since=${encodeURIComponent(since)}` : '';
    const f = await fetchJSON(`/api/v1/aircraft/${encodeURIComponent(hex)}/track${q}`);
    const feat = f && (f.geometry ? f : f.features && f.features[0]);
    const g = feat && feat.geometry;
    const times = (feat && feat.properties && feat.properties.times) || [];
    if (g && g.type === 'LineString') {
      g.coordinates.forEach((/** @type {number[]} */ c, /** @type {number} */ i) => {
        const t = Date.parse(times[i]);
        if (Number.isFinite(t)) appendPoint(line, [c[0], c[1]], t);
      });
    }
  } catch (err) {
    console.warn('flightwatch: track', hex, err instanceof Error ? err.message : err);
  }
  if (trailRequests.get(hex) !== pending) return; // a newer leg took over
  pending.coords.forEach((pt, i) => appendPoint(line, pt, pending.times[i]));
  trailRequests.delete(hex);
  trails.set(hex, line);
  markDirty('trails');
}

/**
 * How many of a trail's points (oldest first, times ascending) were flown
 * by until: all of them when until is null.
 * @param {number[]} times Unix ms
 * @param {number | null} until Unix ms
 * @returns {number}
 */
export function flownBy(times, until) {
  if (until === null) return times.length;
  let n = times.length;
  while (n > 0 && times[n - 1] > until) n--;
  return n;
}

/**
 * The trails to draw: one LineString per aircraft with two points or more
 * flown by until (Unix ms; null: the whole trail); property until is the
 * time of its last point (RFC 3339).
 * @param {number | null} [until]
 * @returns {import('geojson').Feature<import('geojson').LineString>[]}
 */
export function trailFeatures(until = null) {
  const feats = [];
  for (const [hex, line] of trails) {
    const n = flownBy(line.times, until);
    if (n < 2) continue;
    feats.push(/** @type {import('geojson').Feature<import('geojson').LineString>} */ ({
      type: 'Feature', id: hex, properties: { hex, until: new Date(line.times[n - 1]).toISOString() },
      geometry: { type: 'LineString', coordinates: n === line.coords.length ? line.coords : line.coords.slice(0, n) },
    }));
  }
  return feats;
}

// ---- live trails of every aircraft ------------------------------------------------
//
// Every aircraft also gets a short trail from the positions the stream
// sends (at most LIVE_TRAIL_POINTS, none older than LIVE_TRAIL_MS before
// its newest), drawn in altitude colours for the aircraft that have no
// stored-track trail above. An aircraft that leaves the view (removed, or
// left out of a new snapshot) loses it.

const LIVE_TRAIL_POINTS = 150;
const LIVE_TRAIL_MS = 20 * 60 * 1000;

/** @typedef {{ lon: number, lat: number, alt: number | null, t: number }} LivePoint alt in feet, 0 on the ground, null unknown; t Unix ms */

/** @type {Map<string, LivePoint[]>} hex → its recent positions, oldest first */
const liveTrails = new Map();

/**
 * Adds the aircraft's position to its live trail.
 * @param {AircraftFeature} f
 */
function recordLiveTrail(f) {
  const [lon, lat] = f.geometry.coordinates;
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return;
  const p = f.properties;
  const ground = p.on_ground === true || p.on_ground === 'true';
  const a = p.alt_ft === null || p.alt_ft === undefined || p.alt_ft === '' ? NaN : Number(p.alt_ft);
  const alt = ground ? 0 : Number.isFinite(a) ? a : null;
  const seen = Date.parse(String(p.seen || ''));
  const t = Number.isFinite(seen) ? seen : Date.now();
  let line = liveTrails.get(f.id);
  if (!line) {
    line = [];
    liveTrails.set(f.id, line);
  }
  const last = line[line.length - 1];
  if (last && last.lon === lon && last.lat === lat) {
    last.alt = alt;
    return;
  }
  // A fix older than the newest is late data: it does not move the trail.
  if (last && t < last.t) return;
  line.push({ lon, lat, alt, t });
  let drop = Math.max(0, line.length - LIVE_TRAIL_POINTS);
  while (drop < line.length - 1 && line[drop].t < t - LIVE_TRAIL_MS) drop++;
  if (drop) line.splice(0, drop);
  markDirty('live-trails');
}

/**
 * The altitude band a trail segment is coloured by: bands of 1,000 ft up
 * to 10,000 ft, then of 5,000 ft; -1 on the ground or unknown.
 * @param {number | null} alt feet
 * @returns {number} the band's lower altitude, feet
 */
export function altBand(alt) {
  if (alt === null || !Number.isFinite(alt) || alt <= 0) return -1;
  if (alt < 10000) return Math.floor(alt / 1000) * 1000;
  return Math.floor(alt / 5000) * 5000;
}

/**
 * The live trails to draw: for each aircraft that keep(hex) allows, its
 * trail (the points flown by until, Unix ms; null: all) cut into
 * LineStrings of one altitude band each (property alt_ft: the band's lower
 * altitude, -1 for ground or unknown; until: the time of its last point,
 * RFC 3339), so that a data driven line colour follows the altitude.
 * @param {(hex: string) => boolean} keep
 * @param {number | null} [until]
 * @returns {import('geojson').Feature<import('geojson').LineString>[]}
 */
export function liveTrailFeatures(keep, until = null) {
  /** @type {import('geojson').Feature<import('geojson').LineString>[]} */
  const feats = [];
  for (const [hex, line] of liveTrails) {
    // An aircraft a new snapshot left out has left the view: its trail goes.
    if (!aircraft.has(hex)) {
      liveTrails.delete(hex);
      continue;
    }
    const n = until === null ? line.length : flownBy(line.map((p) => p.t), until);
    if (n < 2 || !keep(hex)) continue;
    /** @type {import('geojson').Position[]} */
    let run = [[line[0].lon, line[0].lat]];
    let band = altBand(line[1].alt);
    for (let i = 1; i < n; i++) {
      const b = altBand(line[i].alt);
      const pt = [line[i].lon, line[i].lat];
      if (b !== band && run.length > 1) {
        feats.push({ type: 'Feature', properties: { hex, alt_ft: band, until: new Date(line[i - 1].t).toISOString() }, geometry: { type: 'LineString', coordinates: run } });
        run = [run[run.length - 1]];
      }
      band = b;
      run.push(pt);
    }
    if (run.length > 1) feats.push({ type: 'Feature', properties: { hex, alt_ft: band, until: new Date(line[n - 1].t).toISOString() }, geometry: { type: 'LineString', coordinates: run } });
  }
  return feats;
}

/**
 * How many positions the aircraft's live trail holds (0 when none).
 * @param {string} hex
 * @returns {number}
 */
export function liveTrailLength(hex) {
  const line = liveTrails.get(hex.toLowerCase());
  return line ? line.length : 0;
}

/**
 * Whether the aircraft has a stored-track trail (watched aircraft).
 * @param {string} hex
 * @returns {boolean}
 */
export function hasTrackTrail(hex) {
  return trails.has(hex) || trailRequests.has(hex);
}
