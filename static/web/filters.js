// What the map and the aircraft table show: the aircraft filters (watched
// only, military only, an altitude band in feet, an ICAO type prefix) and
// the layer groups switched in the Layers control (routes, tracks,
// predictions, hexagons, airports).
//
// The filters are applied to the data the map's aircraft and trail sources
// get (app.js) and to the table's rows alike, through passes(). The feed
// filter reads the aircraft's source property (the feed or push client of
// its latest position).
// Listeners registered with onFilters hear of every change, whoever made it
// (the controls or the URL).

import { LAYER_NAMES } from './urlstate.js';
import { viewTime } from './state.js';
import { ALTITUDE_COLORS } from './layers.js';

/** @typedef {import('./urlstate.js').LayerName} LayerName */

/**
 * The aircraft filters; null and false mean "no filter".
 * @typedef {object} Filters
 * @property {boolean} watch watched aircraft only
 * @property {boolean} mil military aircraft only
 * @property {number | null} altMin feet
 * @property {number | null} altMax feet
 * @property {string} type ICAO type prefix, upper case ('' for any)
 * @property {string} feed the feed of the latest position ('' for any)
 */

/** @returns {Filters} */
function noFilters() {
  return { watch: false, mil: false, altMin: null, altMax: null, type: '', feed: '' };
}

/** @type {Filters} */
let current = noFilters();
/** @type {Set<(f: Filters) => void>} */
const filterListeners = new Set();

/** @returns {Filters} a copy of the filters in force */
export function filters() {
  return { ...current };
}

/** @returns {boolean} whether any filter is set */
export function filtering() {
  const f = current;
  return f.watch || f.mil || f.altMin !== null || f.altMax !== null || f.type !== '' || f.feed !== '';
}

/**
 * Changes some filters (the others stay) and tells the listeners when
 * anything changed. Bad values are dropped: a non-number altitude is no
 * bound, a type is trimmed and upper-cased.
 * @param {Partial<Filters>} change
 */
export function setFilters(change) {
  /** @param {unknown} v */
  const ft = (v) => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));
  const next = { ...current, ...change };
  next.watch = Boolean(next.watch);
  next.mil = Boolean(next.mil);
  next.altMin = ft(next.altMin);
  next.altMax = ft(next.altMax);
  next.type = String(next.type || '').trim().toUpperCase();
  next.feed = String(next.feed || '').trim();
  const same = /** @type {(keyof Filters)[]} */ (Object.keys(next)).every((k) => next[k] === current[k]);
  if (same) return;
  current = next;
  for (const fn of filterListeners) fn({ ...current });
}

/**
 * Calls fn whenever the filters change.
 * @param {(f: Filters) => void} fn
 * @returns {() => void} removes the listener
 */
export function onFilters(fn) {
  filterListeners.add(fn);
  return () => filterListeners.delete(fn);
}

/**
 * Whether the aircraft is military: flagged so by its feed, or tagged
 * "military" by its watchlist entry.
 * @param {Record<string, any>} p aircraft properties
 * @returns {boolean}
 */
export function isMilitary(p) {
  if (p.military === true || p.military === 'true') return true;
  let tags = p.tags;
  if (typeof tags === 'string') { try { tags = JSON.parse(tags); } catch { tags = [tags]; } }
  return Array.isArray(tags) && tags.some((t) => String(t).toLowerCase() === 'military');
}

/**
 * Whether an aircraft passes the filters. With an altitude band, an
 * aircraft of unknown altitude is left out, and one on the ground counts
 * as 0 ft.
 * @param {Record<string, any>} p aircraft properties (as prepareAircraft makes them)
 * @param {Filters} [f] the filters (default: those in force)
 * @returns {boolean}
 */
export function passes(p, f = current) {
  if (f.watch && !p.watched) return false;
  if (f.mil && !isMilitary(p)) return false;
  if (f.type && !String(p.type || '').toUpperCase().startsWith(f.type)) return false;
  if (f.feed && p.source !== f.feed) return false;
  if (f.altMin !== null || f.altMax !== null) {
    const ground = p.on_ground === true || p.on_ground === 'true';
    const alt = ground ? 0 : p.alt_ft === null || p.alt_ft === undefined || p.alt_ft === '' ? NaN : Number(p.alt_ft);
    if (!Number.isFinite(alt)) return false;
    if (f.altMin !== null && alt < f.altMin) return false;
    if (f.altMax !== null && alt > f.altMax) return false;
  }
  return true;
}

// ---- layer groups ---------------------------------------------------------------

/** @type {Record<LayerName, { label: string, layers: string[] }>} */
export const LAYER_GROUPS = {
  routes: { label: 'Planned routes', layers: ['routes'] },
  tracks: { label: 'Flown tracks', layers: ['trails', 'live-trails'] },
  predictions: { label: 'Predicted destinations', layers: ['prediction-lines', 'prediction-fields'] },
  hexagons: { label: 'Report hexagons', layers: ['cells', 'cells-outline'] },
  airports: { label: 'Airports', layers: ['airport-dots', 'airport-labels'] },
};

/** @type {Set<LayerName>} */
let shown = new Set(LAYER_NAMES);
/** @type {Set<(layers: LayerName[]) => void>} */
const layerListeners = new Set();

/** @returns {LayerName[]} the layer groups shown, in LAYER_NAMES order */
export function shownLayers() {
  return LAYER_NAMES.filter((n) => shown.has(n));
}

/**
 * Shows exactly these layer groups and tells the listeners when that changed.
 * @param {LayerName[]} names
 */
export function setShownLayers(names) {
  const next = new Set(LAYER_NAMES.filter((n) => names.includes(n)));
  if (next.size === shown.size && [...next].every((n) => shown.has(n))) return;
  shown = next;
  const list = shownLayers();
  for (const fn of layerListeners) fn(list);
}

/**
 * Calls fn whenever the layer groups shown change.
 * @param {(layers: LayerName[]) => void} fn
 * @returns {() => void} removes the listener
 */
export function onLayers(fn) {
  layerListeners.add(fn);
  return () => layerListeners.delete(fn);
}

/**
 * Sets the visibility of the map's layers from the groups shown; layers
 * the map does not have yet are set when they appear (call it again on
 * the map's styledata events). The live predictions are hidden while the
 * map shows an earlier time. This is the one place that sets the layers'
 * visibility, so that two callers never undo each other.
 * @param {import('maplibre-gl').Map} map
 */
export function applyLayers(map) {
  const past = viewTime() !== null;
  for (const name of LAYER_NAMES) {
    const vis = shown.has(name) && !(past && name === 'predictions') ? 'visible' : 'none';
    for (const id of LAYER_GROUPS[name].layers) {
      if (!map.getLayer(id)) continue;
      if (map.getLayoutProperty(id, 'visibility') !== vis) map.setLayoutProperty(id, 'visibility', vis);
    }
  }
}

// ---- controls ----------------------------------------------------------------------

/**
 * @param {HTMLInputElement} input
 * @returns {number | null} the number the input holds, null when none
 */
function numberIn(input) {
  const v = input.value.trim();
  return v === '' || !Number.isFinite(Number(v)) ? null : Number(v);
}

/**
 * Sets the feed filter's choices: any feed, then the names given, sorted;
 * the chosen feed stays even when no longer among them.
 * @param {HTMLSelectElement} select
 * @param {Iterable<string>} names
 */
export function setFeedChoices(select, names) {
  const want = [...new Set([...names].filter((n) => typeof n === 'string' && n !== ''))].sort();
  const cur = select.value;
  if (cur && !want.includes(cur)) want.push(cur);
  const have = [...select.options].slice(1).map((o) => o.value);
  if (want.length === have.length && want.every((n, i) => n === have[i])) return;
  select.replaceChildren(new Option('Any feed', ''), ...want.map((n) => new Option(n, n)));
  select.value = cur;
}

/**
 * Wires the filter inputs of the aircraft panel: each change sets the
 * filters, and a filter change (from the URL, say) updates the inputs.
 * @param {object} el
 * @param {HTMLInputElement} el.watch
 * @param {HTMLInputElement} el.mil
 * @param {HTMLInputElement} el.altMin
 * @param {HTMLInputElement} el.altMax
 * @param {HTMLInputElement} el.type
 * @param {HTMLSelectElement} el.feed
 * @param {HTMLButtonElement} el.clear
 * @param {HTMLElement} el.badge shows how many filters are set
 */
export function wireFilterControls(el) {
  const read = () => setFilters({
    watch: el.watch.checked,
    mil: el.mil.checked,
    altMin: numberIn(el.altMin),
    altMax: numberIn(el.altMax),
    type: el.type.value,
    feed: el.feed.value,
  });
  for (const input of [el.watch, el.mil, el.feed]) input.addEventListener('change', read);
  for (const input of [el.altMin, el.altMax, el.type]) input.addEventListener('input', read);
  el.clear.addEventListener('click', () => setFilters(noFilters()));
  /** @param {Filters} f */
  const show = (f) => {
    el.watch.checked = f.watch;
    el.mil.checked = f.mil;
    // An input that already reads the same is left alone (the user may be typing).
    if (numberIn(el.altMin) !== f.altMin) el.altMin.value = f.altMin === null ? '' : String(f.altMin);
    if (numberIn(el.altMax) !== f.altMax) el.altMax.value = f.altMax === null ? '' : String(f.altMax);
    if (el.type.value.trim().toUpperCase() !== f.type) el.type.value = f.type;
    if (f.feed && ![...el.feed.options].some((o) => o.value === f.feed)) el.feed.append(new Option(f.feed, f.feed));
    el.feed.value = f.feed;
    const n = [f.watch, f.mil, f.altMin !== null || f.altMax !== null, f.type !== '', f.feed !== ''].filter(Boolean).length;
    el.badge.textContent = String(n);
    el.badge.hidden = n === 0;
    el.clear.disabled = n === 0;
  };
  onFilters(show);
  show(filters());
}

/**
 * The key of the trails' altitude colours: a gradient from the ground up,
 * with its altitudes below.
 * @returns {HTMLElement}
 */
function altitudeKey() {
  const key = document.createElement('div');
  key.className = 'alt-key';
  key.setAttribute('role', 'img');
  key.setAttribute('aria-label', 'Trail colour by altitude: orange low, then yellow, green, cyan, blue, violet high');
  const top = 40000; // the right end of the bar, as its scale says
  const stops = ALTITUDE_COLORS.map(([ft, c]) => `${c} ${Math.round((ft / top) * 100)}%`).join(', ');
  const bar = document.createElement('span');
  bar.className = 'alt-key-bar';
  bar.style.background = `linear-gradient(to right, ${stops})`;
  const scale = document.createElement('span');
  scale.className = 'alt-key-scale';
  scale.setAttribute('aria-hidden', 'true');
  for (const t of ['0', '10k', '20k', '30k', '40k ft']) {
    const s = document.createElement('span');
    s.textContent = t;
    scale.append(s);
  }
  key.append(bar, scale);
  return key;
}

/**
 * Adds the Layers control to the map: a button that opens a list of
 * checkboxes, one per layer group.
 * @param {import('maplibre-gl').Map} map
 */
export function addLayersControl(map) {
  const box = document.createElement('div');
  box.className = 'maplibregl-ctrl layers-ctrl';
  const btn = document.createElement('button');
  btn.type = 'button';
  btn.id = 'btn-layers';
  btn.className = 'tool small';
  btn.textContent = 'Layers';
  btn.setAttribute('aria-expanded', 'false');
  btn.setAttribute('aria-controls', 'layers-list');
  const list = document.createElement('fieldset');
  list.id = 'layers-list';
  list.className = 'layers-list';
  list.hidden = true;
  const legend = document.createElement('legend');
  legend.textContent = 'Layers shown';
  list.append(legend);
  /** @type {Map<LayerName, HTMLInputElement>} */
  const boxes = new Map();
  for (const name of LAYER_NAMES) {
    const label = document.createElement('label');
    const cb = document.createElement('input');
    cb.type = 'checkbox';
    cb.name = `layer-${name}`;
    cb.dataset.layer = name;
    cb.checked = shown.has(name);
    cb.addEventListener('change', () => setShownLayers(LAYER_NAMES.filter((n) => (boxes.get(n) || cb).checked)));
    boxes.set(name, cb);
    label.append(cb, ` ${LAYER_GROUPS[name].label}`);
    list.append(label);
    if (name === 'tracks') list.append(altitudeKey());
  }
  btn.addEventListener('click', () => {
    list.hidden = !list.hidden;
    btn.setAttribute('aria-expanded', String(!list.hidden));
  });
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !list.hidden) {
      list.hidden = true;
      btn.setAttribute('aria-expanded', 'false');
      btn.focus();
    }
  });
  box.append(btn, list);
  map.addControl({
    onAdd: () => box,
    onRemove: () => { box.remove(); },
  }, 'top-right');
  onLayers((names) => {
    for (const [n, cb] of boxes) cb.checked = names.includes(n);
    applyLayers(map);
  });
  map.on('styledata', () => applyLayers(map));
  applyLayers(map);
}
