// Small helpers shared by the map's modules.

/** Fetches JSON from the API; resolves to null on 404, throws on other errors. */
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

/** Escapes text for inclusion in HTML. */
export function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, (c) => ({
    '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
  }[c]));
}

/** Formats an RFC 3339 time as "YYYY-MM-DD HH:MM:SSZ" (UTC). */
export function fmtTime(t) {
  const d = t instanceof Date ? t : new Date(t);
  if (Number.isNaN(d.getTime())) return '';
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Formats a time as "HH:MM:SSZ" (UTC). */
export function fmtClock(t) {
  const s = fmtTime(t);
  return s ? s.slice(11) : '';
}

/** Returns the map's visible bounds as [minLon, minLat, maxLon, maxLat], clamped to the world. */
export function viewBBox(map) {
  const b = map.getBounds();
  let w = b.getWest();
  let e = b.getEast();
  if (e - w >= 360) { w = -180; e = 180; }
  const clampLon = (x) => Math.max(-180, Math.min(180, x));
  const clampLat = (y) => Math.max(-90, Math.min(90, y));
  w = clampLon(w); e = clampLon(e);
  const r = (x) => Math.round(x * 1e4) / 1e4;
  return [r(w), r(clampLat(b.getSouth())), r(e), r(clampLat(b.getNorth()))];
}

/** Returns a FeatureCollection of the given features. */
export function collection(features) {
  return { type: 'FeatureCollection', features };
}
