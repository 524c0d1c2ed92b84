// Enforcement-report hexagons: GET /api/v1/cells?layer=reports for the
// viewport and time window, coloured by count, with a legend and a popup.

import { esc, fetchJSON, viewBBox, collection } from './util.js';

/** Count thresholds and fill colours of the hexagon layer (and its legend). */
export const CELL_STEPS = [
  [1, '#fde68a'],
  [5, '#fdba74'],
  [10, '#fb923c'],
  [25, '#f97316'],
  [50, '#ea580c'],
  [100, '#dc2626'],
  [250, '#9f1239'],
];

const WINDOWS = { '24h': 24 * 3600e3, '7d': 7 * 24 * 3600e3, '30d': 30 * 24 * 3600e3 };

function fillColor() {
  const expr = ['step', ['to-number', ['get', 'count'], 0], CELL_STEPS[0][1]];
  for (const [n, c] of CELL_STEPS.slice(1)) expr.push(n, c);
  return expr;
}

/** Adds the "cells" source and its fill and outline layers below beforeId. */
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

/** Fills the legend list with the count steps. */
export function renderLegend(ul) {
  ul.innerHTML = CELL_STEPS.map(([n, c], i) => {
    const next = CELL_STEPS[i + 1];
    const label = next ? (next[0] - 1 === n ? `${n}` : `${n}–${next[0] - 1}`) : `${n}+`;
    return `<li><span class="swatch" style="background:${c}" aria-hidden="true"></span>${label}</li>`;
  }).join('');
}

/** Returns the since/until query values for a time-window choice. */
export function windowRange(choice, now = Date.now()) {
  const span = WINDOWS[choice];
  if (!span) return {};
  return { since: new Date(now - span).toISOString().replace(/\.\d+Z$/, 'Z') };
}

/** Keeps the hexagon layer in step with the viewport and the time window. */
export class Cells {
  constructor(map, { select, onError }) {
    this.map = map;
    this.select = select;
    this.onError = onError;
    this.abort = null;
    this.pending = null;
    select.addEventListener('change', () => this.refresh());
  }

  /** Refetches the cells for the current view (at most one request in flight). */
  async refresh() {
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
      this.map.getSource('cells').setData(fc || collection([]));
    } catch (err) {
      if (err.name !== 'AbortError') this.onError(err);
    }
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

/** HTML of a hexagon's popup: its count and its sources. */
export function cellPopupHTML(props) {
  let sources = props.sources;
  if (typeof sources === 'string') {
    try { sources = JSON.parse(sources); } catch { sources = [sources]; }
  }
  let list = '';
  if (Array.isArray(sources) && sources.length) {
    list = sources.map((s) => `<li>${esc(typeof s === 'object' ? (s.source || s.name || JSON.stringify(s)) : s)}</li>`).join('');
  } else if (sources && typeof sources === 'object') {
    list = Object.entries(sources).sort((a, b) => b[1] - a[1]).map(([k, v]) => `<li>${esc(k)}: ${esc(v)}</li>`).join('');
  }
  const n = Number(props.reports);
  return `<div class="popup"><h3>Count ${esc(props.count)}</h3>
    <dl>${Number.isFinite(n) ? `<dt>Reports</dt><dd>${esc(n)}</dd>` : ''}
    <dt>Cell</dt><dd>${esc(props.h3)}</dd>${props.res !== undefined ? `<dt>Res</dt><dd>${esc(props.res)}</dd>` : ''}</dl>
    ${list ? `<div>Sources:</div><ul>${list}</ul>` : '<div>Sources: not given</div>'}</div>`;
}
