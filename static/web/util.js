// Small helpers shared by the map's modules.

/**
 * Fetches JSON from the API; resolves to null on 404, throws on other errors.
 * @param {string} url
 * @param {{ signal?: AbortSignal }} [opts]
 * @returns {Promise<any>}
 */
export async function fetchJSON(url, { signal } = {}) {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, signal });
  if (res.status === 404) return null;
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    try {
      const body = await res.json();
      if (body && body.error) msg = body.error;
    } catch { /* not JSON */ }
    throw new Error(`GET ${url}: ${msg}`);
  }
  return res.json();
}

/** @type {Record<string, string>} */
const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for inclusion in HTML.
 * @param {unknown} v
 * @returns {string}
 */
export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * Formats an RFC 3339 time as "YYYY-MM-DD HH:MM:SSZ" (UTC); '' when it is not a time.
 * @param {Date | string | number | null | undefined} t
 * @returns {string}
 */
export function fmtTime(t) {
  const d = t instanceof Date ? t : new Date(t ?? NaN);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/**
 * Formats a time as "HH:MM:SSZ" (UTC).
 * @param {Date | string | number} t
 * @returns {string}
 */
export function fmtClock(t) {
  const s = fmtTime(t);
  return s ? s.slice(11) : '';
}

/**
 * Returns the map's visible bounds as [minLon, minLat, maxLon, maxLat], clamped to the world.
 * @param {import('maplibre-gl').Map} map
 * @returns {[number, number, number, number]}
 */
export function viewBBox(map) {
  const b = map.getBounds();
  let w = b.getWest();
  let e = b.getEast();
  if (e - w >= 360) { w = -180; e = 180; }
  const clampLon = (/** @type {number} */ x) => Math.max(-180, Math.min(180, x));
  const clampLat = (/** @type {number} */ y) => Math.max(-90, Math.min(90, y));
  w = clampLon(w); e = clampLon(e);
  const r = (/** @type {number} */ x) => Math.round(x * 1e4) / 1e4;
  return [r(w), r(clampLat(b.getSouth())), r(e), r(clampLat(b.getNorth()))];
}

/**
 * Returns a FeatureCollection of the given features.
 * @param {import('geojson').Feature[]} features
 * @returns {import('geojson').FeatureCollection}
 */
export function collection(features) {
  return { type: 'FeatureCollection', features };
}

/**
 * Replaces the data of the map's GeoJSON source id; false when the map
 * does not have the source (yet).
 * @param {import('maplibre-gl').Map} map
 * @param {string} id
 * @param {import('geojson').GeoJSON} data
 * @returns {boolean}
 */
export function setSourceData(map, id, data) {
  const src = map.getSource(id);
  if (!src || !('setData' in src)) return false;
  /** @type {import('maplibre-gl').GeoJSONSource} */ (src).setData(data);
  return true;
}
