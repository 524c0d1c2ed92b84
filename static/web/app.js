// flightwatch browser map: wires the basemap, the live websocket stream,
// planned routes, flown tracks, alerts and report hexagons together. The
// state it keeps is in state.js, aircraft and trails in aircraft.js,
// popups in popups.js and the page around the map in controls.js.
//
// For tests, window.flightwatch = { map, stats, ready, stream, ... } and
// document.body.dataset.mapIdle = "1" after the map's first "idle" event.

import { baseStyle, openView } from './basemap.js';
import { installLabelImages } from './icons.js';
import { addLayers } from './layers.js';
import { Stream } from './stream.js';
import { AlertsPanel, fillAlertFilter } from './alerts.js';
import { Cells } from './cells.js';
import { fetchJSON, viewBBox, collection, setSourceData } from './util.js';
import { Predictions } from './prediction.js';
import { stats, aircraft, reports, addReports, currentScenario, setScenario, fmtEventTime, onFlush, markDirty, selectAircraft, selectedHex, setViewTime, viewTime } from './state.js';
import { upsertAircraft, removeAircraft, clearAircraft, trailFeatures, liveTrailFeatures, hasTrackTrail } from './aircraft.js';
import { passes, filtering } from './filters.js';
import { parseQuery } from './urlstate.js';
import { wireFind } from './table.js';
import { showAircraftPopup, showAlertPopup, showCellPopup } from './popups.js';
import { startFlightPanel } from './panel.js';
import { History } from './history.js';
import {
  $, narrow, viewPadding, wireControls, renderStatus, renderScenarioClock,
  setConnection, setConnectionDetail, touched,
} from './controls.js';
import { Keys } from './keys.js';

/** @typedef {import('./stream.js').StreamMessage} StreamMessage */
/** @typedef {import('geojson').Feature} Feature */

const maplibregl = window.maplibregl;

const ROUTES_REFRESH_MS = 60000;
// A view in the URL (the map's #zoom/lat/lon, ?bbox=, or ?hex= to fly to)
// wins over the opening view.
const initialQuery = parseQuery(window.location.search);
const hasHash = /^#\d/.test(window.location.hash) || Boolean(initialQuery.bbox || initialQuery.hex);

const map = new maplibregl.Map({
  container: 'map',
  style: /** @type {import('maplibre-gl').StyleSpecification} */ (baseStyle()),
  center: [-92, 24],
  zoom: narrow ? 1.6 : 3,
  hash: true,
  attributionControl: { compact: true },
  renderWorldCopies: true,
  fadeDuration: 0,
});
map.addControl(new maplibregl.NavigationControl({ visualizePitch: false }), 'top-right');
map.on('error', (e) => console.warn('flightwatch: map:', e && e.error ? e.error.message : e));
map.once('idle', () => { document.body.dataset.mapIdle = '1'; });
installLabelImages(map);

fillAlertFilter($('alert-filter'));
const alertsPanel = new AlertsPanel({
  list: $('alerts'),
  empty: $('alerts-empty'),
  counter: $('alert-count'),
  filter: /** @type {HTMLSelectElement} */ ($('alert-filter')),
  clear: $('alerts-clear'),
  markRead: $('alerts-read'),
  onSelect: flyToAlert,
  formatTime: fmtEventTime,
});

/** @type {Stream | null} */
let stream = null;
/** @type {Cells | null} */
let cells = null;
let routesFitted = hasHash;

// ---- redraws ---------------------------------------------------------------------

/**
 * The aircraft the map draws: those of the viewed time (history) or the
 * live ones, that pass the filters.
 * @returns {import('./state.js').AircraftFeature[]}
 */
function shownAircraft() {
  const all = historyView ? historyView.drawn() : [...aircraft.values()];
  return filtering() ? all.filter((f) => passes(f.properties)) : all;
}

/** @param {string} hex */
const shownHex = (hex) => {
  const f = aircraft.get(hex);
  return Boolean(f) && (!filtering() || passes(/** @type {import('./state.js').AircraftFeature} */ (f).properties));
};

// The live trails of every aircraft are redrawn at most once a second:
// with thousands of aircraft they are the biggest source the map has.
const LIVE_TRAILS_MS = 1000;
let liveTrailsAt = 0;
/** @type {ReturnType<typeof setTimeout> | undefined} */
let liveTrailsTimer;
function drawLiveTrails() {
  const wait = LIVE_TRAILS_MS - (Date.now() - liveTrailsAt);
  if (wait > 0) {
    if (!liveTrailsTimer) liveTrailsTimer = setTimeout(() => { liveTrailsTimer = undefined; markDirty('live-trails'); }, wait);
    return;
  }
  liveTrailsAt = Date.now();
  setSourceData(map, 'live-trails', collection(liveTrailFeatures((hex) => !hasTrackTrail(hex) && shownHex(hex), trailsUntil())));
}

/**
 * How far the trails are drawn: to the time shown while the map shows the
 * past (nothing flown after it), else to their newest point.
 * @returns {number | null} Unix ms, null for all
 */
function trailsUntil() {
  return historyView && historyView.active() ? historyView.shownAt : null;
}

onFlush((dirty) => {
  if (!map.getSource('aircraft')) return false;
  if (dirty.has('aircraft')) {
    setSourceData(map, 'aircraft', collection(shownAircraft()));
    find.aircraftChanged();
    if (flightPanel && flightPanel.hex) flightPanel.renderLive();
  }
  if (dirty.has('aircraft') || dirty.has('trails')) setSourceData(map, 'trails', collection(trailFeatures(trailsUntil()).filter((f) => shownHex(String(f.id)))));
  if (dirty.has('aircraft') || dirty.has('live-trails')) drawLiveTrails();
  if (dirty.has('reports')) setSourceData(map, 'reports', collection([...reports.values()]));
  if (dirty.has('alerts')) setSourceData(map, 'alert-points', collection(alertsPanel.features().filter((f) => f.geometry)));
  renderStatus();
  return true;
});

// ---- websocket messages ------------------------------------------------------

/**
 * Acts on one server message (the types and layers of stream/doc.go).
 * @param {StreamMessage} msg
 */
function onMessage(msg) {
  stats.wsMessages += 1;
  if (alertLogWanted && !alertBuffer) loadAlerts();
  touched();
  /** @type {Feature[]} */
  const features = (msg.data && msg.data.features) || [];
  switch (msg.type) {
    case 'snapshot':
      stats.snapshots += 1;
      if (msg.layer === 'aircraft') {
        clearAircraft();
        upsertAircraft(features);
      } else if (msg.layer === 'cells' && cells) {
        cells.fromStream('snapshot', features);
      }
      break;
    case 'update':
      if (msg.layer === 'aircraft') upsertAircraft(features);
      else if (msg.layer === 'reports') addReports(features);
      else if (msg.layer === 'cells' && cells) cells.fromStream('update', features);
      break;
    case 'resumed':
      stats.resumes += 1;
      break;
    case 'remove':
      if (msg.layer === 'aircraft') removeAircraft(msg.ids || []);
      break;
    case 'alert':
      if (msg.data) addAlerts([msg.data], true);
      break;
    case 'error':
      console.warn('flightwatch: stream:', msg.error);
      setConnectionDetail(msg.error || '');
      break;
    default:
      break;
  }
  renderStatus();
}

/**
 * Lists alerts in the panel and marks them on the map; while the alert
 * log is being read, the stream's alerts wait for it.
 * @param {Feature[]} features
 * @param {boolean} fresh raised now (not read from the log)
 * @param {boolean} [fromLog]
 */
function addAlerts(features, fresh, fromLog = false) {
  if (!fromLog && alertBuffer) {
    alertBuffer.push(...features);
    return;
  }
  const n = alertsPanel.add(features, { fresh });
  stats.alerts += n;
  if (n) markDirty('alerts');
  if (n && flightPanel && features.some((f) => f.properties && String(f.properties.hex).toLowerCase() === flightPanel?.hex)) flightPanel.render();
}

/**
 * Flies to an alert's aircraft (or where it was raised) and opens its popup.
 * @param {Feature} f
 */
function flyToAlert(f) {
  const p = f.properties || {};
  const hex = String(p.hex || '').toLowerCase();
  const live = hex ? aircraft.get(hex) : undefined;
  const g = f.geometry;
  const at = live ? live.geometry.coordinates : g && g.type === 'Point' ? g.coordinates : null;
  if (!at) return;
  /** @type {[number, number]} */
  const center = [at[0], at[1]];
  map.flyTo({ center, zoom: Math.max(map.getZoom(), 6), essential: true, padding: viewPadding() });
  if (live) showAircraftPopup(map, live);
  else showAlertPopup(map, center, p);
}

// ---- initial loads -------------------------------------------------------------

async function loadRoutes() {
  try {
    const fc = await fetchJSON('/api/v1/routes');
    setSourceData(map, 'routes', fc || collection([]));
    if (!routesFitted && fc && fc.features && fc.features.length) {
      routesFitted = true;
      const b = new maplibregl.LngLatBounds();
      for (const f of /** @type {Feature[]} */ (fc.features)) {
        const g = f.geometry;
        if (!g) continue;
        const lines = g.type === 'MultiLineString' ? g.coordinates : g.type === 'LineString' ? [g.coordinates] : [];
        for (const line of lines) for (const c of line) b.extend([c[0], c[1]]);
      }
      if (!b.isEmpty()) {
        const pad = viewPadding();
        pad.top += 30;
        pad.bottom += 30;
        pad.left += 30;
        pad.right += 30;
        map.fitBounds(b, { padding: pad, maxZoom: 6, duration: 0 });
      }
    }
  } catch (err) {
    console.warn('flightwatch: routes:', err instanceof Error ? err.message : err);
  }
}

// No alert is lost between the alert log and the stream: the log is read
// once the websocket is subscribed (its first message), and again after
// every reconnect from a little before the newest alert held. Alerts the
// stream sends meanwhile wait in alertBuffer; the panel merges both by id.
const ALERT_LOG_LIMIT = 50;
const ALERT_RESUME_SLACK_MS = 60000;
/** @type {Feature[] | null} */
let alertBuffer = null;
let alertLogWanted = true;
let alertLogLoads = 0;

function newestAlertTime() {
  let newest = 0;
  for (const f of alertsPanel.features()) newest = Math.max(newest, Date.parse(f.properties && f.properties.time) || 0);
  return newest;
}

async function loadAlerts() {
  alertLogWanted = false;
  /** @type {Feature[]} */
  const buffer = alertBuffer || [];
  alertBuffer = buffer;
  const newest = newestAlertTime();
  let q = `?limit=${ALERT_LOG_LIMIT}`;
  if (newest) q += `&since=${encodeURIComponent(new Date(newest - ALERT_RESUME_SLACK_MS).toISOString())}`;
  try {
    const fc = await fetchJSON(`/api/v1/alerts${q}`);
    if (fc && fc.features) addAlerts(fc.features, false, true);
    alertLogLoads += 1;
  } catch (err) {
    console.warn('flightwatch: alerts:', err instanceof Error ? err.message : err);
    alertLogWanted = true; // try again with the next message
  }
  alertBuffer = null;
  if (buffer.length) addAlerts(buffer, true);
}

async function loadMeta() {
  try {
    const meta = await fetchJSON('/api/v1/meta');
    if (meta && meta.info) $('info').innerHTML = meta.info;
    if (meta && meta.map && !hasHash && !routesFitted) openView(map, meta.map);
    applyScenario(meta && meta.scenario);
    if (meta && meta.scenario && meta.min_cell_count === 1) {
      const n = $('privacy-notice');
      n.textContent = 'Demo: hexagons are published from a single report (privacy threshold k = 1), because the reports are public news and the places public. A real deployment keeps k ≥ 3.';
      n.hidden = false;
    }
    if (meta && meta.banner) {
      const b = $('banner');
      b.textContent = meta.banner;
      b.hidden = false;
      document.body.classList.add('has-banner');
      map.resize();
    }
  } catch { /* the endpoint is optional */ }
}

/**
 * Follows the demo's scenario clock from meta.scenario; what shows times
 * is drawn again in scenario time.
 * @param {{ pass: number, start: string, pass_start: string, speed: number, passes?: string[] } | null | undefined} sc
 */
function applyScenario(sc) {
  if (!sc || !setScenario(sc)) return;
  // The earlier passes' starts, oldest first, the current pass last.
  const passes = Array.isArray(sc.passes) ? sc.passes : [];
  passes.forEach((t, i) => {
    const pass = sc.pass - (passes.length - 1 - i);
    if (pass > 0 && pass < sc.pass) alertsPanel.setScenario(pass, t);
  });
  alertsPanel.setScenario(sc.pass, sc.pass_start);
  document.body.dataset.scenarioPass = String(sc.pass);
  renderScenarioClock();
  if (historyView) historyView.scenarioChanged();
  if (flightPanel && flightPanel.hex) flightPanel.render();
}

// In the demo, the scenario clock follows the passes: meta is read again
// every so often to learn when a new pass begins.
const SCENARIO_REFRESH_MS = 15000;
async function refreshScenario() {
  if (!currentScenario()) return;
  try {
    const meta = await fetchJSON('/api/v1/meta');
    applyScenario(meta && meta.scenario);
  } catch { /* keep the clock we have */ }
}

async function loadInfo() {
  try {
    const res = await fetch('info.html');
    if (!res.ok) return;
    const html = (await res.text()).trim();
    if (html) $('info').innerHTML = html;
  } catch { /* keep the default text */ }
}

// ---- start -----------------------------------------------------------------------

wireControls(map);
// The aircraft table, search, filters, layer switches and the URL's state.
/** @type {import('./panel.js').FlightPanel | null} */
let flightPanel = null;
/** @type {History | null} */
let historyView = null;
const find = wireFind(map, initialQuery, viewPadding, shownAircraft);
const keys = new Keys(map);
// The deployment's own text (meta.info) replaces the default About text.
loadInfo().then(loadMeta);
setInterval(refreshScenario, SCENARIO_REFRESH_MS);
setInterval(renderScenarioClock, 1000);

/** @type {ReturnType<typeof setTimeout> | undefined} */
let moveTimer;
/** @type {Predictions | null} */
let predictions = null;

/** @type {Promise<void>} */
const ready = new Promise((resolve) => {
  map.on('load', async () => {
    addLayers(map, {
      aircraftClick: (props) => selectAircraft(String(props.hex)),
      cellClick: (props, lngLat) => showCellPopup(map, lngLat, props),
    });
    flightPanel = startFlightPanel(map, () => alertsPanel.features(),
      () => (historyView && historyView.active() && historyView.shownAt !== null ? { at: historyView.shownAt, features: historyView.features } : null));
    historyView = new History(map);
    const cellLayer = new Cells(map, { select: /** @type {HTMLSelectElement} */ ($('window')), onError: (err) => console.warn('flightwatch: cells:', err.message) });
    cells = cellLayer;
    predictions = new Predictions(map, { aircraft, onError: (err) => console.warn('flightwatch: predictions:', err.message) });
    predictions.start();
    find.mapLoaded(predictions);
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const live = new Stream({
      url: `${proto}//${window.location.host}/api/v1/stream`,
      layers: ['aircraft', 'alerts', 'reports'],
      onMessage,
      onState: (state, detail) => {
        if (state === 'connected') alertLogWanted = true;
        setConnection(state, detail || '');
        renderStatus();
      },
    });
    stream = live;
    // The stream opens before the alert log is read (see loadAlerts); if
    // it does not answer soon, the log is shown anyway.
    live.subscribe(viewBBox(map));
    live.start();
    setTimeout(() => { if (alertLogWanted && !alertBuffer && !alertLogLoads) loadAlerts(); }, 5000);
    await loadRoutes();
    cellLayer.refresh();
    map.on('moveend', () => {
      clearTimeout(moveTimer);
      moveTimer = setTimeout(() => {
        live.subscribe(viewBBox(map));
        cellLayer.refresh();
      }, 250);
    });
    setInterval(loadRoutes, ROUTES_REFRESH_MS);
    resolve();
  });
});

window.flightwatch = {
  map,
  stats,
  ready,
  get stream() { return stream; },
  get predictions() { return predictions; },
  get cells() { return cells; },
  get flightPanel() { return flightPanel; },
  get history() { return historyView; },
  setViewTime,
  viewTime,
  aircraft,
  selectAircraft,
  selectedHex,
  get scenario() { return currentScenario(); },
  alertsPanel,
  get alertLogLoads() { return alertLogLoads; },
  find,
  keys,
};
