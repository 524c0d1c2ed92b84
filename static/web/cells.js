// Enforcement-report hexagons, coloured by count, with a legend and a popup.
//
// The websocket sends the hexagons of the viewport at one resolution and
// over all time: a "cells" snapshot after every subscribe (it replaces the
// layer) and "cells" updates with the hexagons whose counts changed (added
// or replaced by id). The layer draws those whenever they are what the view
// asks for: the "All time" window, at a zoom whose resolution
// (resForZoom) is within one of theirs. Otherwise (a shorter window, or a
// zoom that wants much larger or smaller hexagons) it reads
// GET /api/v1/cells?layer=reports for the viewport, zoom and window, and
// reads it again when the stream says counts changed.

import { esc, fetchJSON, viewBBox, collection, setSourceData } from './util.js';

/**
 * Count thresholds and fill colours of the hexagon layer (and its legend).
 * @type {Array<[number, string]>}
 */
export const CELL_STEPS = [
  [1, '#fde68a'],
  [5, '#fdba74'],
  [10, '#fb923c'],
  [25, '#f97316'],
  [50, '#ea580c'],
  [100, '#dc2626'],
  [250, '#9f1239'],
];

/** @type {Record<string, number>} */
const WINDOWS = { '24h': 24 * 3600e3, '7d': 7 * 24 * 3600e3, '30d': 30 * 24 * 3600e3 };

/** @returns {import('maplibre-gl').ExpressionSpecification} */
function fillColor() {
  /** @type {any[]} */
  const expr = ['step', ['to-number', ['get', 'count'], 0], CELL_STEPS[0][1]];
  for (const [n, c] of CELL_STEPS.slice(1)) expr.push(n, c);
  return /** @type {import('maplibre-gl').ExpressionSpecification} */ (expr);
}

/**
 * Adds the "cells" source and its fill and outline layers below beforeId.
 * @param {import('maplibre-gl').Map} map
 * @param {string} [beforeId]
 */
export function addCellLayers(map, beforeId) {
  map.addSource('cells', { type: 'geojson', data: collection([]) });
  map.addLayer({
    id: 'cells',
    type: 'fill',
    source: 'cells',
    paint: { 'fill-color': fillColor(), 'fill-opacity': 0.7 },
  }, beforeId);
  map.addLayer({
    id: 'cells-outline',
    type: 'line',
    source: 'cells',
    paint: { 'line-color': '#fff7ed', 'line-opacity': 0.35, 'line-width': 0.6 },
  }, beforeId);
}

/**
 * Fills the legend list with the count steps.
 * @param {HTMLElement} ul
 */
export function renderLegend(ul) {
  ul.innerHTML = CELL_STEPS.map(([n, c], i) => {
    const next = CELL_STEPS[i + 1];
    const label = next ? (next[0] - 1 === n ? `${n}` : `${n}–${next[0] - 1}`) : `${n}+`;
    return `<li><span class="swatch" style="background:${c}" aria-hidden="true"></span>${label}</li>`;
  }).join('');
}

/**
 * Returns the since/until query values for a time-window choice.
 * @param {string} choice '24h', '7d', '30d' or 'all'
 * @param {number} [now] Unix milliseconds
 * @returns {{ since?: string, until?: string }}
 */
export function windowRange(choice, now = Date.now()) {
  const span = WINDOWS[choice];
  if (!span) return {};
  return { since: new Date(now - span).toISOString().replace(/\.\d+Z$/, 'Z') };
}

/**
 * The H3 resolution whose hexagons look a sensible size at map zoom z, as
 * the server picks it for /api/v1/cells?zoom= (geo.ResForZoom).
 * @param {number} z
 * @returns {number}
 */
export function resForZoom(z) {
  return Math.max(0, Math.min(9, Math.floor((z - 1) * 0.75)));
}

/**
 * The hexagon layer: the stream's hexagons when they fit the view, else
 * the API's for the viewport, zoom and time window.
 */
export class Cells {
  /**
   * @param {import('maplibre-gl').Map} map
   * @param {object} opts
   * @param {HTMLSelectElement} opts.select the time window ('all': every report)
   * @param {(err: Error) => void} opts.onError
   */
  constructor(map, { select, onError }) {
    this.map = map;
    this.select = select;
    this.onError = onError;
    /** @type {AbortController | null} */
    this.abort = null;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.pending = null;
    /** @type {Map<string, import('geojson').Feature>} the stream's hexagons of the subscription, by H3 index */
    this.held = new Map();
    /** @type {number | null} resolution of the stream's hexagons, once one came */
    this.res = null;
    /** @type {'stream' | 'api' | null} where the layer's hexagons came from */
    this.shown = null;
    select.addEventListener('change', () => this.refresh());
  }

  /** Whether the stream's hexagons are what the view asks for. */
  streamFits() {
    return this.select.value === 'all' && this.res !== null &&
      Math.abs(resForZoom(this.map.getZoom()) - this.res) <= 1;
  }

  /**
   * Takes a "cells" message of the stream: a snapshot replaces the
   * hexagons held, an update adds or replaces them by id.
   * @param {'snapshot' | 'update'} type
   * @param {import('geojson').Feature[]} features
   */
  fromStream(type, features) {
    if (type === 'snapshot') this.held.clear();
    for (const f of features) {
      const p = f.properties || {};
      const id = f.id ?? p.h3;
      if (id === undefined || id === null || !f.geometry) continue;
      this.held.set(String(id), f);
      const res = Number(p.res);
      if (Number.isInteger(res)) this.res = res;
    }
    if (this.streamFits()) this.drawHeld();
    else if (type === 'update') this.refreshSoon();
  }

  /** Redraws the layer for the current view and window. */
  async refresh() {
    if (this.streamFits()) {
      this.drawHeld();
      return;
    }
    if (this.abort) this.abort.abort();
    const ctl = new AbortController();
    this.abort = ctl;
    const q = new URLSearchParams({
      layer: 'reports',
      zoom: String(Math.round(this.map.getZoom())),
      bbox: viewBBox(this.map).join(','),
    });
    const range = windowRange(this.select.value);
    if (range.since) q.set('since', range.since);
    if (range.until) q.set('until', range.until);
    try {
      const fc = await fetchJSON(`/api/v1/cells?${q}`, { signal: ctl.signal });
      if (ctl.signal.aborted) return;
      setSourceData(this.map, 'cells', fc || collection([]));
      this.shown = 'api';
    } catch (err) {
      if (!(err instanceof Error && err.name === 'AbortError')) this.onError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Draws the stream's hexagons (and drops a request for the API's). */
  drawHeld() {
    if (this.abort) {
      this.abort.abort();
      this.abort = null;
    }
    setSourceData(this.map, 'cells', collection([...this.held.values()]));
    this.shown = 'stream';
  }

  /** Schedules a refresh soon, merging bursts of "cells" updates. */
  refreshSoon() {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.refresh();
    }, 1500);
  }
}

/**
 * HTML of a hexagon's popup: its count and its sources.
 * @param {Record<string, any>} props
 * @returns {string}
 */
export function cellPopupHTML(props) {
  let sources = props.sources;
  if (typeof sources === 'string') {
    try { sources = JSON.parse(sources); } catch { sources = [sources]; }
  }
  let list = '';
  if (Array.isArray(sources) && sources.length) {
    list = sources.map((s) => `<li>${esc(typeof s === 'object' ? (s.source || s.name || JSON.stringify(s)) : s)}</li>`).join('');
  } else if (sources && typeof sources === 'object') {
    list = Object.entries(sources).sort((a, b) => Number(b[1]) - Number(a[1])).map(([k, v]) => `<li>${esc(k)}: ${esc(v)}</li>`).join('');
  }
  const n = Number(props.reports);
  return `<div class="popup"><h3>Count ${esc(props.count)}</h3>
    <dl>${Number.isFinite(n) ? `<dt>Reports</dt><dd>${esc(n)}</dd>` : ''}
    <dt>Cell</dt><dd>${esc(props.h3)}</dd>${props.res !== undefined ? `<dt>Res</dt><dd>${esc(props.res)}</dd>` : ''}</dl>
    ${list ? `<div>Sources:</div><ul>${list}</ul>` : '<div>Sources: not given</div>'}</div>`;
}
