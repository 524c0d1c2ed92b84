// flightwatch browser map: wires the basemap, the live websocket stream,
// planned routes, flown tracks, alerts and report hexagons together.
//
// For tests, window.flightwatch = { map, stats, ready, stream } and
// document.body.dataset.mapIdle = "1" after the map's first "idle" event.

import { baseStyle, openView, setOnlineTiles } from './basemap.js';
import { installLabelImages } from './icons.js';
import { addLayers } from './layers.js';
import { Stream } from './stream.js';
import { AlertsPanel, renderAlertLegend, fillAlertFilter } from './alerts.js';
import { Cells, renderLegend, cellPopupHTML } from './cells.js';
import { esc, fetchJSON, fmtTime, fmtClock, viewBBox, collection } from './util.js';
import { Predictions } from './prediction.js';

const maplibregl = window.maplibregl;
const $ = (id) => document.getElementById(id);

const MAX_TRAIL_POINTS = 5000;
const MAX_REPORT_POINTS = 5000;
const ROUTES_REFRESH_MS = 60000;

const stats = { wsMessages: 0, aircraftUpdates: 0, alerts: 0, snapshots: 0, resumes: 0 };

// Live state, keyed by aircraft hex.
const aircraft = new Map(); // hex → Feature (with label/watched properties)
const trails = new Map(); // hex → [[lon, lat], ...]
const trailRequests = new Map(); // hex → points received while the track is being fetched
const trailLegs = new Map(); // hex → the flight leg its trail belongs to
const reports = new Map(); // report id → Feature

const narrow = window.matchMedia('(max-width: 760px)').matches;
const hasHash = /^#\d/.test(window.location.hash);

const map = new maplibregl.Map({
  container: 'map',
  style: baseStyle(),
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

// The demo's scenario clock from /api/v1/meta: scenario time is
// start + (wall − passStart) × speed. Null outside the demo.
let scenario = null;

function scenarioTime(wall) {
  if (!scenario) return null;
  const w = wall instanceof Date ? wall.getTime() : typeof wall === 'number' ? wall : Date.parse(wall);
  if (!Number.isFinite(w)) return null;
  return new Date(scenario.start + (w - scenario.passStart) * scenario.speed);
}

// Alert and aircraft times: scenario time within the current demo pass,
// otherwise UTC wall-clock time.
function fmtAlertTime(t) {
  const w = Date.parse(t);
  if (scenario && Number.isFinite(w) && w >= scenario.passStart) return `${fmtTime(scenarioTime(w))} (scenario)`;
  return fmtTime(t);
}

fillAlertFilter($('alert-filter'));
const alertsPanel = new AlertsPanel({
  list: $('alerts'),
  empty: $('alerts-empty'),
  counter: $('alert-count'),
  filter: $('alert-filter'),
  clear: $('alerts-clear'),
  markRead: $('alerts-read'),
  onSelect: flyToAlert,
  formatTime: fmtAlertTime,
});

let stream = null;
let cells = null;
let lastUpdate = null;
let routesFitted = hasHash;

// ---- aircraft -------------------------------------------------------------

function prepare(f) {
  const p = { ...(f.properties || {}) };
  const hex = String(p.hex || f.id || '').toLowerCase();
  p.hex = hex;
  const tags = Array.isArray(p.tags) ? p.tags : (p.tags ? [p.tags] : []);
  p.watched = Boolean(p.watch) || tags.length > 0;
  p.label = String(p.callsign || '').trim() || hex.toUpperCase();
  p.track = Number.isFinite(Number(p.track)) ? Number(p.track) : 0;
  return { type: 'Feature', id: hex, geometry: f.geometry, properties: p };
}

function upsertAircraft(features) {
  for (const raw of features || []) {
    if (!raw || !raw.geometry) continue;
    const f = prepare(raw);
    if (!f.id) continue;
    aircraft.set(f.id, f);
    if (f.properties.watched) extendTrail(f);
  }
  stats.aircraftUpdates += (features || []).length;
  markDirty('aircraft');
}

// legStart reads the start of a flight leg from its id ("<hex>-<unix seconds>").
function legStart(leg) {
  const m = /-(\d+)$/.exec(leg || '');
  return m ? new Date(Number(m[1]) * 1000).toISOString() : '';
}

// extendTrail draws the flown track of the aircraft's current flight leg:
// a new leg starts a new trail.
function extendTrail(f) {
  const hex = f.id;
  const pt = f.geometry.coordinates;
  const leg = f.properties.leg || '';
  if (trailLegs.get(hex) !== leg) {
    trailLegs.set(hex, leg);
    trails.delete(hex);
    trailRequests.delete(hex);
    fetchTrail(hex, pt, legStart(leg));
    return;
  }
  if (trailRequests.has(hex)) {
    trailRequests.get(hex).push(pt);
    return;
  }
  if (!trails.has(hex)) {
    fetchTrail(hex, pt);
    return;
  }
  const line = trails.get(hex);
  const last = line[line.length - 1];
  if (!last || last[0] !== pt[0] || last[1] !== pt[1]) line.push(pt);
  if (line.length > MAX_TRAIL_POINTS) line.splice(0, line.length - MAX_TRAIL_POINTS);
  markDirty('trails');
}

async function fetchTrail(hex, first, since) {
  const pending = [first];
  trailRequests.set(hex, pending);
  let coords = [];
  try {
    const q = since ? `?since=${encodeURIComponent(since)}` : '';
    const f = await fetchJSON(`/api/v1/aircraft/${encodeURIComponent(hex)}/track${q}`);
    const g = f && (f.geometry || (f.features && f.features[0] && f.features[0].geometry));
    if (g && g.type === 'LineString') coords = g.coordinates.map((c) => [c[0], c[1]]);
  } catch (err) {
    console.warn('flightwatch: track', hex, err.message);
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

function removeAircraft(ids) {
  for (const id of ids || []) aircraft.delete(String(id).toLowerCase());
  markDirty('aircraft');
}

// ---- batched source updates -------------------------------------------------

const dirty = new Set();
let flushTimer = null;

function markDirty(what) {
  dirty.add(what);
  if (!flushTimer) flushTimer = setTimeout(flush, 200);
}

function flush() {
  flushTimer = null;
  if (!map.getSource('aircraft')) return;
  if (dirty.has('aircraft')) map.getSource('aircraft').setData(collection([...aircraft.values()]));
  if (dirty.has('trails')) {
    const feats = [];
    for (const [hex, coords] of trails) {
      if (coords.length < 2) continue;
      feats.push({ type: 'Feature', id: hex, properties: { hex }, geometry: { type: 'LineString', coordinates: coords } });
    }
    map.getSource('trails').setData(collection(feats));
  }
  if (dirty.has('reports')) map.getSource('reports').setData(collection([...reports.values()]));
  if (dirty.has('alerts')) map.getSource('alert-points').setData(collection(alertsPanel.features().filter((f) => f.geometry)));
  dirty.clear();
  renderStatus();
}

// ---- status line -------------------------------------------------------------

let connState = 'connecting';
let connDetail = '';

function renderStatus() {
  const el = $('status');
  el.classList.toggle('connected', connState === 'connected');
  el.classList.toggle('disconnected', connState === 'disconnected');
  $('status-conn').textContent = connState === 'disconnected' && connDetail
    ? `disconnected (${connDetail}), retrying…`
    : connState === 'connecting' ? 'connecting…' : connState;
  $('status-count').textContent = aircraft.size.toLocaleString('en');
  const t = $('status-time');
  if (lastUpdate) {
    t.textContent = fmtClock(lastUpdate);
    t.dateTime = lastUpdate.toISOString();
  }
  renderScenarioClock();
}

function renderScenarioClock() {
  const st = scenarioTime(new Date());
  $('scenario-clock').hidden = !st;
  document.body.classList.toggle('has-scenario', Boolean(st));
  if (!st) return;
  const el = $('scenario-time');
  el.textContent = fmtTime(st).slice(0, 16) + 'Z';
  el.dateTime = st.toISOString();
}

// ---- websocket messages ------------------------------------------------------

function onMessage(msg) {
  stats.wsMessages += 1;
  if (alertLogWanted && !alertBuffer) loadAlerts();
  lastUpdate = new Date();
  const data = msg.data || {};
  const features = data.features || [];
  switch (msg.type) {
    case 'snapshot':
      stats.snapshots += 1;
      if (msg.layer === 'aircraft' || !msg.layer) {
        aircraft.clear();
        upsertAircraft(features);
      } else if (msg.layer === 'reports') {
        addReports(features);
      }
      break;
    case 'update':
      if (msg.layer === 'aircraft') upsertAircraft(features);
      else if (msg.layer === 'reports') { addReports(features); if (cells) cells.refreshSoon(); }
      else if (msg.layer === 'cells' && cells) cells.refreshSoon();
      else if (msg.layer === 'alerts') addAlerts(features, true);
      break;
    case 'resumed':
      stats.resumes += 1;
      break;
    case 'remove':
      if (!msg.layer || msg.layer === 'aircraft') removeAircraft(msg.ids);
      break;
    case 'alert':
      if (msg.data) addAlerts(msg.data.type === 'FeatureCollection' ? features : [msg.data], true);
      break;
    case 'error':
      console.warn('flightwatch: stream:', msg.error);
      connDetail = msg.error || '';
      break;
    default:
      break;
  }
  renderStatus();
}

function addReports(features) {
  for (const f of features) {
    const id = (f.properties && f.properties.id) || f.id;
    if (id === undefined || !f.geometry) continue;
    reports.set(id, f);
  }
  while (reports.size > MAX_REPORT_POINTS) reports.delete(reports.keys().next().value);
  markDirty('reports');
}

function addAlerts(features, fresh, fromLog = false) {
  if (!fromLog && alertBuffer) {
    alertBuffer.push(...features);
    return;
  }
  const n = alertsPanel.add(features, { fresh });
  stats.alerts += n;
  if (n) markDirty('alerts');
}

// ---- alerts → map ------------------------------------------------------------

function flyToAlert(f) {
  const p = f.properties || {};
  const hex = String(p.hex || '').toLowerCase();
  const live = hex && aircraft.get(hex);
  const center = live ? live.geometry.coordinates : f.geometry && f.geometry.coordinates;
  if (!center) return;
  map.flyTo({ center, zoom: Math.max(map.getZoom(), 6), essential: true, padding: viewPadding() });
  if (live) showAircraftPopup(live);
  else {
    new maplibregl.Popup({ maxWidth: '280px' })
      .setLngLat(center)
      .setHTML(`<div class="popup"><h3>${esc(p.callsign || p.hex || 'Alert')}</h3><div>${esc(p.message)}</div><dl><dt>Time</dt><dd>${esc(fmtTime(p.time))}</dd></dl></div>`)
      .addTo(map);
  }
}

// Map padding that keeps a target clear of the panels over the map.
function viewPadding() {
  if (narrow) return { top: 20, bottom: $('alerts-panel').hidden ? 20 : Math.round(window.innerHeight * 0.42), left: 20, right: 20 };
  return { top: 20, bottom: 20, left: 240, right: $('alerts-panel').hidden ? 20 : 360 };
}

function fmtNum(v, unit) {
  const n = Number(v);
  return v === undefined || v === null || v === '' || !Number.isFinite(n) ? '—' : `${Math.round(n).toLocaleString('en')} ${unit}`;
}

function showAircraftPopup(f) {
  const p = f.properties;
  let tags = p.tags;
  if (typeof tags === 'string') { try { tags = JSON.parse(tags); } catch { tags = [tags]; } }
  const rows = [
    ['Hex', p.hex], ['Callsign', p.callsign], ['Reg', p.reg], ['Type', p.type],
    ['Altitude', p.on_ground === true || p.on_ground === 'true' ? 'on ground' : fmtNum(p.alt_ft, 'ft')],
    ['Speed', fmtNum(p.gs_kt, 'kt')], ['Track', fmtNum(p.track, '°')], ['Phase', p.phase],
    ['Seen', p.seen || p.time ? fmtAlertTime(p.seen || p.time) : ''],
    ['Squawk', p.squawk], ['Military', p.military === true || p.military === 'true' ? 'yes' : ''],
    ['Watch', p.watch], ['Tags', Array.isArray(tags) ? tags.join(', ') : ''],
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');
  new maplibregl.Popup({ maxWidth: '280px', offset: 12 })
    .setLngLat(f.geometry.coordinates)
    .setHTML(`<div class="popup"><h3>${esc(p.label)}</h3><dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></div>`)
    .addTo(map);
}

// ---- initial loads -------------------------------------------------------------

async function loadRoutes() {
  try {
    const fc = await fetchJSON('/api/v1/routes');
    map.getSource('routes').setData(fc || collection([]));
    if (!routesFitted && fc && fc.features && fc.features.length) {
      routesFitted = true;
      const b = new maplibregl.LngLatBounds();
      for (const f of fc.features) {
        const g = f.geometry;
        if (!g) continue;
        const lines = g.type === 'MultiLineString' ? g.coordinates : g.type === 'LineString' ? [g.coordinates] : [];
        for (const line of lines) for (const c of line) b.extend([c[0], c[1]]);
      }
      if (!b.isEmpty()) {
        const pad = viewPadding();
        for (const k of Object.keys(pad)) pad[k] += 30;
        map.fitBounds(b, { padding: pad, maxZoom: 6, duration: 0 });
      }
    }
  } catch (err) {
    console.warn('flightwatch: routes:', err.message);
  }
}

// No alert is lost between the alert log and the stream: the log is read
// once the websocket is subscribed (its first message), and again after
// every reconnect from a little before the newest alert held. Alerts the
// stream sends meanwhile wait in alertBuffer; the panel merges both by id.
const ALERT_LOG_LIMIT = 50;
const ALERT_RESUME_SLACK_MS = 60000;
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
  alertBuffer = alertBuffer || [];
  const newest = newestAlertTime();
  let q = `?limit=${ALERT_LOG_LIMIT}`;
  if (newest) q += `&since=${encodeURIComponent(new Date(newest - ALERT_RESUME_SLACK_MS).toISOString())}`;
  try {
    const fc = await fetchJSON(`/api/v1/alerts${q}`);
    if (fc && fc.features) addAlerts(fc.features, false, true);
    alertLogLoads += 1;
  } catch (err) {
    console.warn('flightwatch: alerts:', err.message);
    alertLogWanted = true; // try again with the next message
  }
  const buffered = alertBuffer;
  alertBuffer = null;
  if (buffered.length) addAlerts(buffered, true);
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

function applyScenario(sc) {
  if (!sc) return;
  const start = Date.parse(sc.start);
  const passStart = Date.parse(sc.pass_start);
  const speed = Number(sc.speed);
  if (!Number.isFinite(start) || !Number.isFinite(passStart) || !(speed > 0)) return;
  const newPass = scenario && scenario.pass !== sc.pass;
  scenario = { pass: sc.pass, start, passStart, speed };
  alertsPanel.setScenario(sc.pass, sc.pass_start);
  document.body.dataset.scenarioPass = String(sc.pass);
  renderScenarioClock();
}

// In the demo, the scenario clock follows the passes: meta is read again
// every so often to learn when a new pass begins.
const SCENARIO_REFRESH_MS = 15000;
async function refreshScenario() {
  if (!scenario) return;
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

// ---- controls --------------------------------------------------------------------

function setPanel(panel, button, open) {
  panel.hidden = !open;
  button.setAttribute('aria-expanded', String(open));
}

function wireControls() {
  const alertsPanelEl = $('alerts-panel');
  const btnAlerts = $('btn-alerts');
  const setAlerts = (open) => {
    setPanel(alertsPanelEl, btnAlerts, open);
    document.body.classList.toggle('alerts-hidden', !open);
  };
  if (narrow) setAlerts(false);
  btnAlerts.addEventListener('click', () => setAlerts(alertsPanelEl.hidden));
  $('alerts-close').addEventListener('click', () => { setAlerts(false); btnAlerts.focus(); });

  const infoPanel = $('info-panel');
  const btnInfo = $('btn-info');
  btnInfo.addEventListener('click', () => setPanel(infoPanel, btnInfo, infoPanel.hidden));
  $('info-close').addEventListener('click', () => { setPanel(infoPanel, btnInfo, false); btnInfo.focus(); });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !infoPanel.hidden) setPanel(infoPanel, btnInfo, false);
  });

  const btnTiles = $('btn-tiles');
  btnTiles.addEventListener('click', () => {
    const on = btnTiles.getAttribute('aria-pressed') !== 'true';
    btnTiles.setAttribute('aria-pressed', String(on));
    setOnlineTiles(map, on);
  });
  renderLegend($('legend'));
  renderAlertLegend($('alert-legend'));
}

// ---- start -----------------------------------------------------------------------

wireControls();
// The deployment's own text (meta.info) replaces the default About text.
loadInfo().then(loadMeta);
setInterval(refreshScenario, SCENARIO_REFRESH_MS);
setInterval(renderScenarioClock, 1000);

let moveTimer = null;
let predictions = null;

const ready = new Promise((resolve) => {
  map.on('load', async () => {
    addLayers(map, {
      aircraftClick: (props, geometry) => showAircraftPopup(aircraft.get(String(props.hex)) || { geometry, properties: props }),
      cellClick: (props, lngLat) => {
        new maplibregl.Popup({ maxWidth: '300px' }).setLngLat(lngLat).setHTML(cellPopupHTML(props)).addTo(map);
      },
    });
    cells = new Cells(map, { select: $('window'), onError: (err) => console.warn('flightwatch: cells:', err.message) });
    predictions = new Predictions(map, { aircraft, onError: (err) => console.warn('flightwatch: predictions:', err.message) });
    predictions.start();
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    stream = new Stream({
      url: `${proto}//${window.location.host}/api/v1/stream`,
      layers: ['aircraft', 'alerts', 'reports'],
      onMessage,
      onState: (state, detail) => {
        if (state === 'connected') alertLogWanted = true;
        connState = state;
        connDetail = detail || '';
        renderStatus();
      },
    });
    // The stream opens before the alert log is read (see loadAlerts); if
    // it does not answer soon, the log is shown anyway.
    stream.subscribe(viewBBox(map));
    stream.start();
    setTimeout(() => { if (alertLogWanted && !alertBuffer && !alertLogLoads) loadAlerts(); }, 5000);
    await loadRoutes();
    cells.refresh();
    map.on('moveend', () => {
      clearTimeout(moveTimer);
      moveTimer = setTimeout(() => {
        stream.subscribe(viewBBox(map));
        cells.refresh();
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
  get scenario() { return scenario; },
  alertsPanel,
  get alertLogLoads() { return alertLogLoads; },
};
