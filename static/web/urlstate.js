// The map's state in the address bar: the selected aircraft, the filters,
// the layers shown, the view and the viewed time round-trip through the
// query string, e.g.
//
//   ?hex=ae5a01&watch=1&mil=1&alt=10000-40000&type=C17&layers=routes,tracks
//    &bbox=-110,20,-80,35&t=2025-01-24T15:00:00Z
//
// parseQuery reads a query string into a UrlState (anything it cannot read
// is left out and reported in `errors`, never thrown); formatQuery writes
// one back, leaving out what is at its default and keeping parameters it
// does not know. Times are Unix milliseconds inside, RFC 3339 in the URL
// (a plain number is read as Unix seconds).

/** The layer groups the Layers control switches, in URL order. */
export const LAYER_NAMES = /** @type {const} */ (['routes', 'tracks', 'predictions', 'hexagons', 'airports']);

/** @typedef {typeof LAYER_NAMES[number]} LayerName */

/**
 * What the URL holds. Absent fields are at their defaults: nothing
 * selected, no filter, every layer shown, the map's own view, live time.
 * @typedef {object} UrlState
 * @property {string} [hex] selected aircraft, lower case
 * @property {boolean} [watch] watched aircraft only
 * @property {boolean} [mil] military aircraft only
 * @property {number | null} [altMin] feet; null: no lower bound
 * @property {number | null} [altMax] feet; null: no upper bound
 * @property {string} [type] ICAO type prefix, upper case
 * @property {string} [feed] the feed of the latest position
 * @property {LayerName[]} [layers] the layers shown (absent: all)
 * @property {[number, number, number, number]} [bbox] west, south, east, north
 * @property {number} [t] viewed time, Unix ms
 * @property {string[]} [errors] what could not be read, one line per parameter
 */

const KNOWN = new Set(['hex', 'watch', 'mil', 'alt', 'type', 'feed', 'layers', 'bbox', 't']);
// A feed name: up to 64 characters, no control characters.
const FEED_RE = /^[^\u0000-\u001f\u007f]{1,64}$/;
const HEX_RE = /^[0-9a-f]{6}$/i;
const TYPE_RE = /^[A-Z0-9]{1,4}$/;
const ALT_RE = /^\s*(-?\d{1,6})?\s*-\s*(-?\d{1,6})?\s*$/;
const FLAG_ON = new Set(['1', 'true', 'yes', 'on']);
const FLAG_OFF = new Set(['0', 'false', 'no', 'off', '']);

/**
 * Reads an altitude band "min-max" (either end may be left out: "10000-",
 * "-40000"); null when it is not one.
 * @param {string} s
 * @returns {{ min: number | null, max: number | null } | null}
 */
export function parseAltBand(s) {
  const m = ALT_RE.exec(s);
  if (!m || (m[1] === undefined && m[2] === undefined)) return null;
  const min = m[1] === undefined ? null : Number(m[1]);
  const max = m[2] === undefined ? null : Number(m[2]);
  if (min !== null && max !== null && min > max) return null;
  return { min, max };
}

/**
 * Reads a time: RFC 3339 (a date alone is midnight UTC), or Unix seconds;
 * null when it is neither.
 * @param {string} s
 * @returns {number | null} Unix ms
 */
export function parseTime(s) {
  const v = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(v)) {
    const ms = Number(v) * 1000;
    return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? Math.round(ms) : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(v)) return null;
  // Without a zone, a time is read as UTC (the map shows UTC throughout).
  const zoned = /T|\s/.test(v) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(v) ? `${v}Z` : v;
  const ms = Date.parse(zoned.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : null;
}

/**
 * Reads a bbox "west,south,east,north" in degrees; null when it is not one.
 * West may exceed east (a box across the antimeridian).
 * @param {string} s
 * @returns {[number, number, number, number] | null}
 */
export function parseBBox(s) {
  const parts = s.split(',');
  if (parts.length !== 4 || parts.some((p) => p.trim() === '')) return null;
  const [w, so, e, n] = parts.map(Number);
  if (![w, so, e, n].every(Number.isFinite)) return null;
  if (w < -180 || w > 180 || e < -180 || e > 180 || so < -90 || n > 90 || so >= n) return null;
  return [w, so, e, n];
}

/**
 * Reads the map's state from a query string ("?a=b&…" or "a=b&…").
 * @param {string} search
 * @returns {UrlState}
 */
export function parseQuery(search) {
  const q = new URLSearchParams(search);
  /** @type {UrlState} */
  const st = {};
  /** @type {string[]} */
  const errors = [];
  const hex = q.get('hex');
  if (hex !== null && hex !== '') {
    if (HEX_RE.test(hex.trim())) st.hex = hex.trim().toLowerCase();
    else errors.push(`hex: ${JSON.stringify(hex)} is not a 6-digit ICAO address`);
  }
  for (const name of /** @type {const} */ (['watch', 'mil'])) {
    const v = q.get(name);
    if (v === null) continue;
    const lv = v.trim().toLowerCase();
    if (FLAG_ON.has(lv)) st[name] = true;
    else if (!FLAG_OFF.has(lv)) errors.push(`${name}: ${JSON.stringify(v)} is not 1 or 0`);
  }
  const alt = q.get('alt');
  if (alt !== null && alt !== '') {
    const band = parseAltBand(alt);
    if (band) {
      st.altMin = band.min;
      st.altMax = band.max;
    } else errors.push(`alt: ${JSON.stringify(alt)} is not a band like 10000-40000`);
  }
  const type = q.get('type');
  if (type !== null && type !== '') {
    const t = type.trim().toUpperCase();
    if (TYPE_RE.test(t)) st.type = t;
    else errors.push(`type: ${JSON.stringify(type)} is not an ICAO type prefix`);
  }
  const feed = q.get('feed');
  if (feed !== null && feed !== '') {
    if (FEED_RE.test(feed.trim())) st.feed = feed.trim();
    else errors.push(`feed: ${JSON.stringify(feed)} is not a feed name`);
  }
  const layers = q.get('layers');
  if (layers !== null) {
    /** @type {LayerName[]} */
    const shown = [];
    for (const raw of layers.split(',')) {
      const name = raw.trim().toLowerCase();
      if (name === '') continue;
      const known = LAYER_NAMES.find((n) => n === name);
      if (known) { if (!shown.includes(known)) shown.push(known); } else errors.push(`layers: unknown layer ${JSON.stringify(raw)}`);
    }
    st.layers = LAYER_NAMES.filter((n) => shown.includes(n));
  }
  const bbox = q.get('bbox');
  if (bbox !== null && bbox !== '') {
    const b = parseBBox(bbox);
    if (b) st.bbox = b;
    else errors.push(`bbox: ${JSON.stringify(bbox)} is not west,south,east,north in degrees`);
  }
  const t = q.get('t');
  if (t !== null && t !== '') {
    const ms = parseTime(t);
    if (ms !== null) st.t = ms;
    else errors.push(`t: ${JSON.stringify(t)} is not an RFC 3339 time or Unix seconds`);
  }
  if (errors.length) st.errors = errors;
  return st;
}

/**
 * @param {number} v
 * @returns {string} v with at most 4 decimals (~11 m), no trailing zeros
 */
function coord(v) {
  return String(Math.round(v * 1e4) / 1e4);
}

/**
 * Writes the map's state into a query string (with its "?", or '' when
 * empty), keeping the parameters of `base` it does not own.
 * @param {UrlState} st
 * @param {string} [base] the current query string
 * @returns {string}
 */
export function formatQuery(st, base = '') {
  const q = new URLSearchParams();
  for (const [k, v] of new URLSearchParams(base)) if (!KNOWN.has(k)) q.append(k, v);
  if (st.hex) q.set('hex', st.hex);
  if (st.watch) q.set('watch', '1');
  if (st.mil) q.set('mil', '1');
  const lo = st.altMin ?? null;
  const hi = st.altMax ?? null;
  if (lo !== null || hi !== null) q.set('alt', `${lo === null ? '' : Math.round(lo)}-${hi === null ? '' : Math.round(hi)}`);
  if (st.type) q.set('type', st.type);
  if (st.feed) q.set('feed', st.feed);
  if (st.layers && st.layers.length !== LAYER_NAMES.length) q.set('layers', LAYER_NAMES.filter((n) => st.layers && st.layers.includes(n)).join(','));
  if (st.bbox) q.set('bbox', st.bbox.map(coord).join(','));
  if (st.t !== undefined && Number.isFinite(st.t)) q.set('t', new Date(st.t).toISOString().replace(/\.000Z$/, 'Z'));
  // Commas and colons read better unescaped, and are safe in a query.
  const s = q.toString().replace(/%2C/gi, ',').replace(/%3A/gi, ':');
  return s ? `?${s}` : '';
}

/**
 * Replaces the address bar's query with the state's (history.replaceState,
 * so no history entry is added); the hash is kept.
 * @param {UrlState} st
 */
export function writeURL(st) {
  const loc = window.location;
  const next = formatQuery(st, loc.search);
  if (next === loc.search) return;
  window.history.replaceState(window.history.state, '', `${loc.pathname}${next}${loc.hash}`);
}
