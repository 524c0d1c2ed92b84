// History: a time slider over the stored tracks. Choosing "last N hours"
// or a day sets the slider's span; dragging it (or playing at 1×, 10×,
// 60× or 600×) sets the shared viewed time (state.js setViewTime), and the
// map then shows every aircraft where it was at that time, from
// /api/v1/history?at=&bbox= (positions interpolated on the stored legs'
// lines). The stream keeps the live aircraft up to date meanwhile without
// drawing them; "Live" draws them again. In the demo the slider's times are
// scenario times, within the current pass.
//
// The list of the span's flights (legs) and alerts is here too: a click
// selects the aircraft and jumps to it (and, for an alert, to its time).

import {
  aircraft, viewTime, setViewTime, onViewTime, currentScenario, fmtEventTime, fmtMessage, markDirty, selectAircraft,
} from './state.js';
import { prepareAircraft } from './aircraft.js';
import { applyLayers } from './filters.js';
import { ALERT_COLORS } from './alerts.js';
import { esc, fetchJSON, viewBBox } from './util.js';

/** @typedef {import('./state.js').AircraftFeature} AircraftFeature */
/** @typedef {import('geojson').Feature} Feature */

/** Replay speeds: viewed time per real time. */
export const SPEEDS = [1, 10, 60, 600];
const TICK_MS = 250;
const STEP_MS = 1000;
const LIST_REFRESH_MS = 30000;
const HOUR = 3600000;

/**
 * The span [start, end] in stored (wall-clock) Unix ms of a range choice
 * at now: 'pass' (the demo's current pass), 'Nh' (the last N hours; in the
 * demo, N hours of scenario time) or 'day' (the UTC day, in the demo the
 * scenario day, given as YYYY-MM-DD). In the demo the span begins no
 * earlier than the pass. Null when the choice is not understood or the
 * span is empty.
 * @param {string} choice
 * @param {string} day YYYY-MM-DD, for 'day'
 * @param {number} now Unix ms
 * @param {import('./state.js').Scenario | null} sc
 * @returns {[number, number] | null}
 */
export function rangeSpan(choice, day, now, sc) {
  let start;
  let end = now;
  const m = /^(\d+)h$/.exec(choice);
  if (choice === 'pass') {
    if (!sc) return null;
    start = sc.passStart;
  } else if (m) {
    start = now - (Number(m[1]) * HOUR) / (sc ? sc.speed : 1);
  } else if (choice === 'day') {
    const d = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : NaN;
    if (!Number.isFinite(d)) return null;
    // A scenario time st is stored at passStart + (st − start) / speed.
    const toWall = (/** @type {number} */ t) => (sc ? sc.passStart + (t - sc.start) / sc.speed : t);
    start = toWall(d);
    end = Math.min(now, toWall(d + 24 * HOUR));
  } else {
    return null;
  }
  if (sc) start = Math.max(start, sc.passStart);
  if (!(end > start)) return null;
  // In the demo the span begins on a step within the pass, so that its
  // start is a time of this pass.
  const first = sc ? Math.ceil(start / STEP_MS) * STEP_MS : Math.floor(start / STEP_MS) * STEP_MS;
  return [first, Math.max(first, Math.ceil(end / STEP_MS) * STEP_MS)];
}

/**
 * How far the viewed time moves in one real millisecond at a replay speed:
 * in the demo, speed is in scenario time, which runs sc.speed times faster
 * than the stored times.
 * @param {number} speed
 * @param {import('./state.js').Scenario | null} sc
 * @returns {number}
 */
export function storedPerRealMs(speed, sc) {
  return sc ? speed / sc.speed : speed;
}

/**
 * @param {number} t Unix ms
 * @returns {string} the time as the map shows times (scenario time in the demo)
 */
function label(t) {
  return fmtEventTime(new Date(t).toISOString());
}

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
function el(id) {
  const e = document.getElementById(id);
  if (!e) throw new Error(`flightwatch: the page has no #${id}`);
  return /** @type {T} */ (e);
}

export class History {
  /** @param {import('maplibre-gl').Map} map */
  constructor(map) {
    this.map = map;
    /** @type {AircraftFeature[]} the aircraft at the time shown */
    this.features = [];
    /** @type {number | null} the viewed time the features are at */
    this.shownAt = null;
    /** how many history answers were drawn (for the browser test) */
    this.loads = 0;
    /** @type {number | null} */
    this.wanted = null;
    this.inflight = false;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.playTimer = undefined;
    /** @type {[number, number] | null} */
    this.span = null;
    this.bar = el('history-bar');
    /** @type {HTMLButtonElement} */
    this.liveBtn = el('hist-live');
    /** @type {HTMLSelectElement} */
    this.range = el('hist-range');
    /** @type {HTMLInputElement} */
    this.day = el('hist-day');
    /** @type {HTMLButtonElement} */
    this.playBtn = el('hist-play');
    /** @type {HTMLSelectElement} */
    this.speed = el('hist-speed');
    /** @type {HTMLInputElement} */
    this.slider = el('hist-slider');
    /** @type {HTMLTimeElement} */
    this.timeEl = el('hist-time');
    this.list = new DayList(this);

    this.liveBtn.addEventListener('click', () => setViewTime(null));
    this.range.addEventListener('change', () => this.rangeChanged());
    this.day.addEventListener('change', () => this.rangeChanged());
    this.speed.addEventListener('change', () => { if (this.playTimer) this.play(); });
    this.playBtn.addEventListener('click', () => (this.playTimer ? this.pause() : this.play()));
    this.slider.addEventListener('input', () => setViewTime(Number(this.slider.value)));
    onViewTime((t) => this.viewed(t));
    map.on('moveend', () => { const t = viewTime(); if (t !== null) this.request(t); });
    setInterval(() => this.follow(), STEP_MS);
    this.scenarioChanged();
  }

  /** @returns {boolean} true while the map shows the past */
  active() {
    return viewTime() !== null && this.shownAt !== null;
  }

  /** Sets the range choices for the demo or a live deployment. */
  scenarioChanged() {
    const sc = currentScenario();
    const pass = this.range.querySelector('option[value="pass"]');
    if (pass instanceof HTMLOptionElement) pass.hidden = !sc;
    if (sc && this.range.dataset.set !== 'demo') {
      this.range.dataset.set = 'demo';
      this.range.value = 'pass';
      for (const o of this.range.options) if (/h$/.test(o.value)) o.textContent = `Last ${o.value.slice(0, -1)} h (scenario)`;
    }
    if (!this.day.value) {
      const now = sc ? sc.start + (Date.now() - sc.passStart) * sc.speed : Date.now();
      this.day.value = new Date(now).toISOString().slice(0, 10);
    }
    this.rangeChanged();
  }

  /** Recomputes the slider's span from the range choice. */
  rangeChanged() {
    this.day.hidden = this.range.value !== 'day';
    this.span = rangeSpan(this.range.value, this.day.value, Date.now(), currentScenario());
    this.renderSpan();
    this.list.refresh();
  }

  /** Moves the span along with the clock (and the demo's passes). */
  follow() {
    const next = rangeSpan(this.range.value, this.day.value, Date.now(), currentScenario());
    if (!next) return;
    const t = viewTime();
    if (t !== null) { next[0] = Math.min(next[0], t); next[1] = Math.max(next[1], t); }
    this.span = next;
    this.renderSpan();
  }

  renderSpan() {
    const s = this.span;
    this.slider.disabled = !s;
    this.playBtn.disabled = !s;
    if (!s) {
      this.slider.title = 'Nothing stored in this span';
      return;
    }
    this.slider.min = String(s[0]);
    this.slider.max = String(s[1]);
    this.slider.step = String(STEP_MS);
    const t = viewTime();
    this.slider.value = String(t === null ? s[1] : t);
    this.slider.title = `${label(s[0])} – ${label(s[1])}`;
  }

  /**
   * Follows the shared viewed time.
   * @param {number | null} t
   */
  viewed(t) {
    document.body.classList.toggle('viewing-past', t !== null);
    this.liveBtn.setAttribute('aria-pressed', String(t === null));
    if (t === null) {
      this.pause();
      this.shownAt = null;
      this.features = [];
      this.wanted = null;
      this.timeEl.textContent = 'Live';
      this.timeEl.removeAttribute('datetime');
      this.slider.value = this.slider.max;
      applyLayers(this.map); // the live predictions again
      markDirty('aircraft');
      return;
    }
    if (this.span && (t < this.span[0] || t > this.span[1])) {
      this.span = [Math.min(t, this.span[0]), Math.max(t, this.span[1])];
      this.renderSpan();
    }
    this.slider.value = String(t);
    this.timeEl.textContent = label(t);
    this.timeEl.dateTime = new Date(t).toISOString();
    applyLayers(this.map); // no live predictions over the past
    this.request(t);
  }

  /**
   * Reads the aircraft at t (one request at a time; the latest wish wins).
   * @param {number} t
   */
  async request(t) {
    this.wanted = t;
    if (this.inflight) return;
    this.inflight = true;
    try {
      while (this.wanted !== null) {
        /** @type {number} */
        const at = this.wanted;
        const q = new URLSearchParams({ at: new Date(at).toISOString(), bbox: viewBBox(this.map).join(',') });
        let fc = null;
        try {
          fc = await fetchJSON(`/api/v1/history?${q}`);
        } catch (err) {
          console.warn('flightwatch: history:', err instanceof Error ? err.message : err);
        }
        if (this.wanted === at) this.wanted = null;
        if (viewTime() === null) break;
        if (fc && fc.features) {
          this.features = fc.features.filter((/** @type {Feature} */ f) => f.geometry).map(prepareAircraft);
          this.shownAt = at;
          this.loads += 1;
          markDirty('aircraft');
        }
      }
    } finally {
      this.inflight = false;
    }
  }

  /** Plays from the viewed time (from the span's start when live). */
  play() {
    clearInterval(this.playTimer);
    const s = this.span;
    if (!s) return;
    if (viewTime() === null || Number(viewTime()) >= s[1]) setViewTime(s[0]);
    this.playBtn.textContent = '⏸';
    this.playBtn.setAttribute('aria-label', 'Pause');
    let last = performance.now();
    this.playTimer = setInterval(() => {
      const nowMs = performance.now();
      const dt = nowMs - last;
      last = nowMs;
      const t = viewTime();
      const span = this.span;
      if (t === null || !span) { this.pause(); return; }
      const next = t + dt * storedPerRealMs(Number(this.speed.value) || 1, currentScenario());
      if (next >= Date.now() - STEP_MS) {
        setViewTime(null); // caught up with the present
      } else if (next >= span[1]) {
        setViewTime(span[1]);
        this.pause();
      } else {
        setViewTime(Math.round(next));
      }
    }, TICK_MS);
  }

  pause() {
    clearInterval(this.playTimer);
    this.playTimer = undefined;
    this.playBtn.textContent = '▶';
    this.playBtn.setAttribute('aria-label', 'Play');
  }

  /** @returns {AircraftFeature[]} what the aircraft layer draws: the past, or the live aircraft */
  drawn() {
    return this.active() ? this.features : [...aircraft.values()];
  }
}

/** The flights (legs) and alerts of the history's span, newest first. */
export class DayList {
  /** @param {History} history */
  constructor(history) {
    this.history = history;
    this.root = el('day-panel');
    this.button = el('hist-list-btn');
    /** @type {Feature[]} */
    this.legs = [];
    /** @type {Feature[]} */
    this.alerts = [];
    this.seq = 0;
    this.button.addEventListener('click', () => this.toggle(this.root.hidden));
    el('day-close').addEventListener('click', () => this.toggle(false));
    this.root.addEventListener('click', (e) => this.onClick(e));
    setInterval(() => { if (!this.root.hidden) this.refresh(); }, LIST_REFRESH_MS);
  }

  /** @param {boolean} open */
  toggle(open) {
    this.root.hidden = !open;
    this.button.setAttribute('aria-expanded', String(open));
    if (open) this.refresh();
  }

  async refresh() {
    const span = this.history.span;
    if (this.root.hidden) return;
    const seq = ++this.seq;
    if (!span) {
      this.legs = [];
      this.alerts = [];
      this.render('');
      return;
    }
    const since = new Date(span[0]).toISOString();
    const until = new Date(span[1]).toISOString();
    try {
      const [legs, alerts] = await Promise.all([
        fetchJSON(`/api/v1/flights?${new URLSearchParams({ since, until, limit: '500' })}`),
        fetchJSON(`/api/v1/alerts?${new URLSearchParams({ since, limit: '500' })}`),
      ]);
      if (seq !== this.seq) return;
      this.legs = ((legs && legs.features) || []).filter((/** @type {Feature} */ f) => f.properties && f.properties.departed);
      this.alerts = ((alerts && alerts.features) || []).filter((/** @type {Feature} */ f) => (Date.parse(f.properties && f.properties.time) || 0) < span[1]);
      this.render('');
    } catch (err) {
      if (seq === this.seq) this.render(err instanceof Error ? err.message : String(err));
    }
  }

  /** @param {string} error */
  render(error) {
    const span = this.history.span;
    const when = (/** @type {unknown} */ t) => (typeof t === 'string' && t ? fmtEventTime(t) : '');
    el('day-span').textContent = span ? `${label(span[0])} – ${label(span[1])}` : 'Nothing stored in this span';
    el('day-legs').innerHTML = this.legs.length ? this.legs.map((f) => {
      const p = f.properties || {};
      const dest = p.actual_destination || p.planned_destination || (p.predicted_destination ? `${p.predicted_destination}?` : '?');
      return `<li><button type="button" class="day-item" data-leg="${esc(p.id)}">
        <span class="day-who">${esc(p.callsign || String(p.hex).toUpperCase())}</span>
        <span>${esc(p.origin || '?')} → ${esc(dest)}</span>
        <time datetime="${esc(p.departed)}">${esc(when(p.departed))}</time>
        <span class="day-meta">${esc(p.status)}${p.class ? ` · ${esc(p.class)}` : ''}</span></button></li>`;
    }).join('') : '<li class="empty">No flights in this span.</li>';
    el('day-alerts').innerHTML = this.alerts.length ? this.alerts.map((f) => {
      const p = f.properties || {};
      return `<li><button type="button" class="day-item" data-alert="${esc(p.id)}">
        <span class="badge" style="background:${esc(ALERT_COLORS[p.type] || '')}">${esc(String(p.type).replace('_', ' '))}</span>
        <time datetime="${esc(p.time)}">${esc(when(p.time))}</time>
        <span class="day-meta">${esc(fmtMessage(p.message))}</span></button></li>`;
    }).join('') : '<li class="empty">No alerts in this span.</li>';
    el('day-error').textContent = error;
  }

  /** @param {MouseEvent} e */
  onClick(e) {
    const b = e.target instanceof HTMLElement ? e.target.closest('button.day-item') : null;
    if (!(b instanceof HTMLElement)) return;
    const map = this.history.map;
    if (b.dataset.leg) {
      const f = this.legs.find((x) => x.properties && x.properties.id === b.dataset.leg);
      if (!f || !f.properties) return;
      const p = f.properties;
      const hex = String(p.hex).toLowerCase();
      selectAircraft(hex);
      const live = aircraft.get(hex);
      if (live && live.properties.leg === p.id) {
        setViewTime(null);
        map.flyTo({ center: /** @type {[number, number]} */ (live.geometry.coordinates.slice(0, 2)), zoom: Math.max(map.getZoom(), 6) });
        return;
      }
      // A past leg: show it at its take-off and fit its line.
      const t = Date.parse(p.departed || p.first_seen);
      if (Number.isFinite(t)) setViewTime(t);
      const g = f.geometry;
      if (g && g.type === 'LineString' && g.coordinates.length) {
        const bounds = new window.maplibregl.LngLatBounds();
        for (const c of g.coordinates) bounds.extend([c[0], c[1]]);
        map.fitBounds(bounds, { padding: 80, maxZoom: 8 });
      }
    } else if (b.dataset.alert) {
      const f = this.alerts.find((x) => x.properties && x.properties.id === b.dataset.alert);
      if (!f || !f.properties) return;
      if (f.properties.hex) selectAircraft(String(f.properties.hex));
      const t = Date.parse(f.properties.time);
      if (Number.isFinite(t)) setViewTime(t);
      const g = f.geometry;
      if (g && g.type === 'Point') map.flyTo({ center: [g.coordinates[0], g.coordinates[1]], zoom: Math.max(map.getZoom(), 6) });
    }
  }
}
