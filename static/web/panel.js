// The flight panel: the selected aircraft's current leg (origin, planned or
// predicted destination and the basis of the prediction, status, times,
// class), what it is doing now (altitude, speed, vertical rate), its alerts
// in time order, its earlier legs, and links: this view's URL (?hex=), and
// the leg as GeoJSON and KML. It follows the shared selection of state.js;
// closing it clears the selection.

import { aircraft, selectAircraft, selectedHex, onSelect, fmtEventTime, fmtMessage, currentScenario } from './state.js';
import { fmtNum } from './popups.js';
import { ALERT_COLORS } from './alerts.js';
import { esc, fetchJSON } from './util.js';

/** @typedef {import('geojson').Feature} Feature */

const REFRESH_MS = 15000;
const LIVE_MS = 1000;
const EARLIER_LEGS = 20;

/** @type {Record<string, string>} */
const BASIS = {
  plan: 'its flight plan',
  history: 'its earlier flights',
  route: 'the callsign route table',
  course: 'the course it holds',
};

/** @type {Record<string, string>} */
const STATUS = { taxi: 'taxiing', airborne: 'airborne', landed: 'landed', signal_lost: 'signal lost' };

/**
 * The URL of the leg's export in format f ('' is GeoJSON).
 * @param {string} legId
 * @param {'' | 'kml'} f
 * @returns {string}
 */
export function legExportURL(legId, f) {
  const q = new URLSearchParams({ filter: `id = '${legId.replace(/'/g, "''")}'` });
  if (f) q.set('f', f);
  return `/api/v1/flights?${q}`;
}

/**
 * This page's URL with the aircraft selected (?hex=), keeping the map view.
 * @param {string} hex
 * @returns {string}
 */
export function selectionURL(hex) {
  const u = new URL(window.location.href);
  u.searchParams.set('hex', hex);
  return u.toString();
}

/**
 * Where a leg goes, in words: landed at, else planned to, else predicted.
 * @param {Record<string, any>} p leg properties
 * @returns {string}
 */
export function destinationText(p) {
  if (p.actual_destination) {
    const planned = p.planned_destination && p.planned_destination !== p.actual_destination ? ` (planned ${p.planned_destination})` : '';
    return `${p.actual_destination}${planned}`;
  }
  if (p.planned_destination) return `${p.planned_destination} (planned)`;
  if (p.predicted_destination) return `${p.predicted_destination} (predicted)`;
  return 'unknown';
}

/**
 * The prediction and its basis, or '' when there is none.
 * @param {Record<string, any>} p leg properties
 * @returns {string}
 */
export function predictionText(p) {
  if (!p.predicted_destination) return '';
  const conf = Number(p.predicted_confidence);
  const pct = Number.isFinite(conf) ? ` ${Math.round(conf * 100)}%` : '';
  const basis = BASIS[String(p.predicted_basis)] || String(p.predicted_basis || 'unknown basis');
  return `${p.predicted_destination}${pct}, from ${basis}`;
}

/**
 * A leg's duration in seconds as "3 h 05 min" or "12 min"; in the demo, a
 * leg lasts its scenario time (every pass replays at the scenario's speed).
 * @param {unknown} s
 * @returns {string}
 */
export function fmtDuration(s) {
  let n = Number(s);
  if (s === null || s === undefined || !Number.isFinite(n) || n < 0) return '';
  const sc = currentScenario();
  const scenario = sc !== null;
  if (sc) n *= sc.speed;
  const m = Math.round(n / 60);
  const text = m >= 60 ? `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min` : `${m} min`;
  return scenario ? `${text} (scenario)` : text;
}

/**
 * Definition-list rows, leaving out empty values.
 * @param {Array<[string, unknown]>} rows
 * @returns {string}
 */
function dl(rows) {
  const kept = rows.filter(([, v]) => v !== undefined && v !== null && v !== '');
  return `<dl class="fp-dl">${kept.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

/**
 * @param {unknown} t
 * @returns {string}
 */
const when = (t) => (typeof t === 'string' && t ? fmtEventTime(t) : '');

/**
 * The aircraft at a past time as the history shows them.
 * @typedef {{ at: number, features: import('./state.js').AircraftFeature[] }} PastView
 */

export class FlightPanel {
  /**
   * @param {object} opts
   * @param {HTMLElement} opts.root the panel (hidden while nothing is selected)
   * @param {import('maplibre-gl').Map} opts.map
   * @param {() => Feature[]} opts.pageAlerts the alerts the page holds
   * @param {() => PastView | null} [opts.past] the aircraft at the viewed
   *   time while the map shows the past, null while it is live
   */
  constructor({ root, map, pageAlerts, past = () => null }) {
    this.root = root;
    this.map = map;
    this.pageAlerts = pageAlerts;
    this.past = past;
    /** @type {string | null} */
    this.hex = null;
    /** @type {Feature[]} the aircraft's legs, newest first */
    this.legs = [];
    /** @type {Feature[]} alerts read from the log for this aircraft */
    this.alerts = [];
    /** @type {string} the last error reading the legs or alerts */
    this.error = '';
    /** how many times the legs and alerts were read (for the browser test) */
    this.loads = 0;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.refreshTimer = undefined;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.liveTimer = undefined;
    this.seq = 0;
    root.addEventListener('click', (e) => this.onClick(e));
    onSelect((hex) => this.show(hex));
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.hex && !root.hidden) selectAircraft(null);
    });
  }

  /**
   * Shows the panel of hex, or hides it for null.
   * @param {string | null} hex
   */
  show(hex) {
    this.hex = hex;
    this.legs = [];
    this.alerts = [];
    this.error = '';
    clearInterval(this.refreshTimer);
    clearInterval(this.liveTimer);
    if (!hex) {
      this.root.hidden = true;
      document.body.classList.remove('flight-selected');
      return;
    }
    this.root.hidden = false;
    document.body.classList.add('flight-selected');
    this.render();
    this.load();
    this.refreshTimer = setInterval(() => this.load(), REFRESH_MS);
    this.liveTimer = setInterval(() => this.renderLive(), LIVE_MS);
  }

  /** Reads the aircraft's legs and alerts and redraws. */
  async load() {
    const hex = this.hex;
    if (!hex) return;
    const seq = ++this.seq;
    const h = encodeURIComponent(hex);
    try {
      const [legs, alerts] = await Promise.all([
        fetchJSON(`/api/v1/flights?hex=${h}&limit=${EARLIER_LEGS + 1}`),
        fetchJSON(`/api/v1/alerts?hex=${h}&limit=200`),
      ]);
      if (seq !== this.seq || hex !== this.hex) return;
      this.legs = (legs && legs.features) || [];
      this.alerts = (alerts && alerts.features) || [];
      this.error = '';
    } catch (err) {
      if (seq !== this.seq) return;
      this.error = err instanceof Error ? err.message : String(err);
    }
    this.loads += 1;
    this.render();
  }

  /**
   * The selected aircraft as the map shows it: at the viewed time while
   * the past is shown, else live.
   * @returns {import('./state.js').AircraftFeature | undefined}
   */
  shown() {
    if (!this.hex) return undefined;
    const past = this.past();
    if (past) return past.features.find((f) => f.id === this.hex);
    return aircraft.get(this.hex);
  }

  /** @returns {Feature | undefined} the leg the aircraft flies at the time shown, else its newest */
  currentLeg() {
    const live = this.shown();
    const id = live && live.properties.leg;
    return (id && this.legs.find((f) => f.properties && f.properties.id === id)) || this.legs[0];
  }

  /**
   * The aircraft's alerts, oldest first: the log's and the page's, by id.
   * @returns {Record<string, any>[]}
   */
  alertList() {
    /** @type {Map<string, Record<string, any>>} */
    const byId = new Map();
    const hex = this.hex;
    for (const f of [...this.alerts, ...this.pageAlerts()]) {
      const p = f.properties || {};
      if (String(p.hex || '').toLowerCase() !== hex) continue;
      byId.set(String(p.id || `${p.type}/${p.time}`), p);
    }
    return [...byId.values()].sort((a, b) => (Date.parse(a.time) || 0) - (Date.parse(b.time) || 0));
  }

  /** Redraws the whole panel. */
  render() {
    const hex = this.hex;
    if (!hex) return;
    const live = aircraft.get(hex);
    const lp = live ? live.properties : {};
    const leg = this.currentLeg();
    const p = (leg && leg.properties) || {};
    const title = String(lp.callsign || p.callsign || '').trim() || hex.toUpperCase();
    const sub = [hex.toUpperCase(), lp.reg || p.reg, lp.type || p.type].filter(Boolean).join(' · ');
    const alerts = this.alertList();
    const earlier = this.legs.filter((f) => f !== leg).slice(0, EARLIER_LEGS);
    const legId = String(p.id || '');
    this.root.innerHTML = `
      <div class="panel-head">
        <div><h2 id="flight-title">${esc(title)}</h2><div class="fp-sub">${esc(sub)}${p.class ? ` <span class="fp-class fp-class-${esc(p.class)}">${esc(p.class)}</span>` : ''}</div></div>
        <button type="button" class="close" id="flight-close" aria-label="Close flight panel">×</button>
      </div>
      <div class="fp-body">
        ${this.error ? `<p class="fp-error" role="alert">${esc(this.error)}</p>` : ''}
        <section aria-labelledby="fp-leg-h"><h3 id="fp-leg-h">Current leg</h3>
        ${leg ? `<p class="fp-route"><span class="fp-origin">${esc(p.origin || '?')}</span> → <span class="fp-dest">${esc(destinationText(p))}</span></p>
        ${dl([
          ['Status', STATUS[String(p.status)] || p.status],
          ['Prediction', predictionText(p)],
          ['Plan', p.plan],
          ['Departed', when(p.departed)],
          ['Arrived', when(p.arrived)],
          ['First seen', when(p.first_seen)],
          ['Last seen', when(p.last_seen)],
          ['Duration', fmtDuration(p.duration)],
          ['Class', p.class],
        ])}` : `<p class="empty">${this.loads ? 'No flight leg stored for this aircraft.' : 'Loading…'}</p>`}
        </section>
        <section aria-labelledby="fp-now-h"><h3 id="fp-now-h">${esc(this.nowTitle())}</h3><div id="fp-live">${this.liveHTML()}</div></section>
        <section aria-label="Links"><div class="fp-links">
          <button type="button" class="tool small" data-act="copy">Copy link</button>
          ${legId ? `<a class="tool small" href="${esc(legExportURL(legId, ''))}" download="${esc(legId)}.geojson">GeoJSON</a>
          <a class="tool small" href="${esc(legExportURL(legId, 'kml'))}" download="${esc(legId)}.kml">KML</a>` : ''}
          <span class="fp-copied" role="status"></span>
        </div></section>
        <section aria-labelledby="fp-alerts-h"><h3 id="fp-alerts-h">Alerts <span class="count">${alerts.length}</span></h3>
        ${alerts.length ? `<ol class="fp-alerts">${alerts.map((a) => `<li class="fp-alert" data-type="${esc(a.type)}">
          <span class="badge" style="background:${esc(ALERT_COLORS[a.type] || '')}">${esc(String(a.type).replace('_', ' '))}</span>
          <time datetime="${esc(a.time)}">${esc(when(a.time))}</time><div class="fp-msg">${esc(fmtMessage(a.message))}</div></li>`).join('')}</ol>`
          : '<p class="empty">No alerts for this aircraft.</p>'}
        </section>
        <section aria-labelledby="fp-legs-h"><h3 id="fp-legs-h">Earlier legs</h3>
        ${earlier.length ? `<ol class="fp-legs">${earlier.map((f) => {
          const q = f.properties || {};
          return `<li class="fp-leg" data-leg="${esc(q.id)}"><button type="button" class="fp-leg-btn" data-act="leg" data-leg="${esc(q.id)}">
            <span>${esc(q.origin || '?')} → ${esc(destinationText(q))}</span><time datetime="${esc(q.departed || q.first_seen)}">${esc(when(q.departed || q.first_seen))}</time>
            <span class="fp-leg-status">${esc(STATUS[String(q.status)] || q.status)}${q.class ? ` · ${esc(q.class)}` : ''}</span></button>
            <a href="${esc(legExportURL(String(q.id), ''))}" download="${esc(q.id)}.geojson">GeoJSON</a> <a href="${esc(legExportURL(String(q.id), 'kml'))}" download="${esc(q.id)}.kml">KML</a></li>`;
        }).join('')}</ol>` : `<p class="empty">${this.loads ? 'None stored.' : 'Loading…'}</p>`}
        </section>
      </div>`;
  }

  /** @returns {string} the title of the live rows: "Now", or the viewed time */
  nowTitle() {
    const past = this.past();
    return past ? `At ${fmtEventTime(new Date(past.at).toISOString())}` : 'Now';
  }

  /** @returns {string} the live rows (at the viewed time in the past view): position, altitude, speed, vertical rate */
  liveHTML() {
    const live = this.shown();
    if (!live) return `<p class="empty">${this.past() ? 'Not in view at this time.' : 'Not in view now.'}</p>`;
    const p = live.properties;
    const ground = p.on_ground === true || p.on_ground === 'true';
    const vr = Number(p.vrate_fpm);
    const vrate = p.vrate_fpm === null || p.vrate_fpm === undefined || !Number.isFinite(vr) ? '' : `${vr > 0 ? '+' : ''}${Math.round(vr).toLocaleString('en')} ft/min`;
    const [lon, lat] = live.geometry.coordinates;
    return dl([
      ['Altitude', ground ? 'on ground' : fmtNum(p.alt_ft, 'ft')],
      ['Vertical rate', vrate],
      ['Speed', fmtNum(p.gs_kt, 'kt')],
      ['Track', fmtNum(p.track, '°')],
      ['Squawk', p.squawk],
      ['Phase', p.phase],
      ['Position', `${lat.toFixed(4)}, ${lon.toFixed(4)}`],
      ['Seen', when(p.seen)],
    ]);
  }

  /** Redraws the live rows only. */
  renderLive() {
    const el = this.root.querySelector('#fp-live');
    if (el) el.innerHTML = this.liveHTML();
    const h = this.root.querySelector('#fp-now-h');
    if (h) h.textContent = this.nowTitle();
  }

  /** @param {MouseEvent} e */
  onClick(e) {
    const t = /** @type {HTMLElement | null} */ (e.target instanceof HTMLElement ? e.target.closest('button') : null);
    if (!t) return;
    if (t.id === 'flight-close') {
      selectAircraft(null);
      return;
    }
    const act = t.dataset.act;
    if (act === 'copy' && this.hex) this.copyLink(selectionURL(this.hex));
    if (act === 'leg') this.fitLeg(String(t.dataset.leg || ''));
  }

  /**
   * Copies text to the clipboard and says so (or shows it to copy by hand).
   * @param {string} text
   */
  async copyLink(text) {
    const note = this.root.querySelector('.fp-copied');
    try {
      await navigator.clipboard.writeText(text);
      if (note) note.textContent = 'Link copied';
    } catch {
      if (note) note.textContent = text;
    }
  }

  /**
   * Fits the map to a stored leg's line.
   * @param {string} id
   */
  fitLeg(id) {
    const f = this.legs.find((x) => x.properties && x.properties.id === id);
    const g = f && f.geometry;
    if (!g || g.type !== 'LineString' || g.coordinates.length === 0) return;
    const b = new window.maplibregl.LngLatBounds();
    for (const c of g.coordinates) b.extend([c[0], c[1]]);
    this.map.fitBounds(b, { padding: 60, maxZoom: 8 });
  }
}

/**
 * Makes the flight panel and selects the aircraft the URL names (?hex=).
 * @param {import('maplibre-gl').Map} map
 * @param {() => Feature[]} pageAlerts
 * @param {() => PastView | null} [past] the aircraft at the viewed time, null while live
 * @returns {FlightPanel}
 */
export function startFlightPanel(map, pageAlerts, past) {
  const root = document.getElementById('flight-panel');
  if (!root) throw new Error('flightwatch: the page has no #flight-panel');
  const panel = new FlightPanel({ root, map, pageAlerts, past });
  const hex = new URLSearchParams(window.location.search).get('hex');
  if (hex && /^[0-9a-f]{6}$/i.test(hex) && !selectedHex()) selectAircraft(hex);
  else if (selectedHex()) panel.show(selectedHex());
  return panel;
}
