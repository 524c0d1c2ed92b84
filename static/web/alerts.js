// The alerts panel: newest first, a coloured badge per type, time and
// message; clicking an alert marks it read and calls onSelect with its
// feature. It filters by type, counts the unread, clears, and in the demo
// puts a separator before the alerts of each new pass of the scenario.

import { fmtMessage } from './state.js';
import { esc, fmtTime } from './util.js';

/**
 * Badge colours per alert type.
 * @type {Record<string, string>}
 */
export const ALERT_COLORS = {
  departed: '#38bdf8',
  landed: '#22c55e',
  diverted: '#f97316',
  turned_back: '#fb923c',
  holding: '#eab308',
  not_departed: '#a78bfa',
  signal_lost: '#94a3b8',
  emergency: '#ef4444',
  off_route: '#f472b6',
  geofence: '#2dd4bf',
};

const MAX_ALERTS = 300;

/** @typedef {import('geojson').Feature} Feature */

/**
 * The id an alert is known by: its id, else type/hex/time.
 * @param {Feature | null | undefined} f
 * @returns {string}
 */
export function alertId(f) {
  const p = (f && f.properties) || {};
  return String(p.id || (f && f.id) || `${p.type}/${p.hex}/${p.time}`);
}

export class AlertsPanel {
  /**
   * @param {object} opts
   * @param {HTMLElement} opts.list the list (ol) the alerts are items of
   * @param {HTMLElement} opts.empty element shown while the list is empty
   * @param {HTMLElement} opts.counter element holding the number of unread alerts
   * @param {HTMLSelectElement} [opts.filter] alert type filter ('' is all)
   * @param {HTMLElement} [opts.clear] button that clears the list
   * @param {HTMLElement} [opts.markRead] button that marks every alert read
   * @param {(feature: Feature) => void} opts.onSelect
   * @param {(t: string) => string} [opts.formatTime] how alert times are shown
   */
  constructor({ list, empty, counter, filter, clear, markRead, onSelect, formatTime = fmtTime }) {
    this.list = list;
    this.empty = empty;
    this.counter = counter;
    this.filter = filter || null;
    this.onSelect = onSelect;
    this.formatTime = formatTime;
    /** @type {Map<string, Feature>} alert id → feature */
    this.seen = new Map();
    /** @type {Set<string>} ids cleared by the user: not shown again */
    this.cleared = new Set();
    /** @type {Set<string>} */
    this.read = new Set();
    /** @type {Map<number, number>} pass number → start time (ms) when known */
    this.passes = new Map();
    this.demo = false;
    if (this.filter) this.filter.addEventListener('change', () => this.applyFilter());
    if (clear) clear.addEventListener('click', () => this.clear());
    if (markRead) markRead.addEventListener('click', () => this.markAllRead());
  }

  /**
   * The list's items matching a selector.
   * @param {string} selector
   * @returns {NodeListOf<HTMLLIElement>}
   */
  all(selector) {
    return this.list.querySelectorAll(selector);
  }

  /** All alerts listed (read or not, shown or filtered out), newest first. */
  features() {
    return [...this.seen.values()];
  }

  /** Number of listed alerts not yet read. */
  unread() {
    let n = 0;
    for (const id of this.seen.keys()) if (!this.read.has(id)) n += 1;
    return n;
  }

  /**
   * Tells the panel the demo's scenario: pass is the current pass and
   * passStart when it began, so alerts can be grouped by pass.
   * @param {number} pass
   * @param {string} passStart RFC 3339
   */
  setScenario(pass, passStart) {
    this.demo = true;
    const t = Date.parse(passStart);
    if (pass > 0 && Number.isFinite(t)) this.passes.set(pass, t);
    // Alerts listed before the scenario was known: their pass and time.
    for (const li of this.all('li.alert')) {
      const f = this.seen.get(li.dataset.id || '');
      if (!f) continue;
      const p = f.properties || {};
      li.dataset.pass = String(this.passOf(p, Number(li.dataset.time)));
      const time = li.querySelector('.alert-time');
      if (time) time.textContent = this.formatTime(p.time);
    }
    this.renderSeparators();
    this.applyFilter();
  }

  // passOf returns the demo pass an alert belongs to (0 outside the demo):
  // the demo suffixes plan ids with the pass number after the first; alerts
  // without a plan fall in the latest pass begun before them.
  /**
   * @param {Record<string, any>} p alert properties
   * @param {number} t alert time, Unix ms
   * @returns {number}
   */
  passOf(p, t) {
    if (!this.demo) return 0;
    if (p.plan) {
      const m = /-(\d+)$/.exec(p.plan);
      return m ? Number(m[1]) : 1;
    }
    let best = 1;
    let bestStart = -Infinity;
    for (const [pass, start] of this.passes) {
      if (start <= t && start > bestStart) { best = pass; bestStart = start; }
    }
    return best;
  }

  /**
   * Adds alerts (in any order); alerts already listed are ignored. Returns how many were new.
   * @param {Feature[]} features
   * @param {{ fresh?: boolean }} [opts] fresh: raised now, highlighted
   * @returns {number}
   */
  add(features, { fresh = false } = {}) {
    /** @type {Array<{ id: string, f: Feature, t: number }>} */
    const news = [];
    for (const f of features) {
      const id = alertId(f);
      if (this.seen.has(id) || this.cleared.has(id)) continue;
      this.seen.set(id, f);
      news.push({ id, f, t: Date.parse(f.properties && f.properties.time) || 0 });
    }
    news.sort((a, b) => a.t - b.t);
    for (const { id, f, t } of news) this.insert(id, f, t, fresh);
    const items = this.all('li.alert');
    for (let i = items.length - 1; i >= MAX_ALERTS; i -= 1) {
      this.seen.delete(items[i].dataset.id || '');
      this.read.delete(items[i].dataset.id || '');
      items[i].remove();
    }
    if (news.length) this.renderSeparators();
    this.applyFilter();
    return news.length;
  }

  /**
   * @param {string} id
   * @param {Feature} f
   * @param {number} t alert time, Unix ms
   * @param {boolean} fresh
   */
  insert(id, f, t, fresh) {
    const p = f.properties || {};
    const li = document.createElement('li');
    li.className = 'alert unread';
    li.dataset.id = id;
    li.dataset.time = String(t);
    li.dataset.type = p.type || '';
    li.dataset.pass = String(this.passOf(p, t));
    const who = p.callsign || p.hex || p.plan || '';
    const color = ALERT_COLORS[p.type] || '#9fb0c4';
    const msg = fmtMessage(p.message);
    const label = `${p.type || 'alert'} ${who}: ${msg}`;
    li.innerHTML = `<button type="button" class="alert-item${fresh ? ' fresh' : ''}" aria-label="${esc(label)}">
      <span class="alert-row">
        <span class="unread-dot" aria-hidden="true"></span>
        <span class="badge" style="background:${color}">${esc((p.type || 'alert').replace('_', ' '))}</span>
        <span class="alert-who">${esc(who)}</span>
        <time class="alert-time" datetime="${esc(p.time)}">${esc(this.formatTime(p.time))}</time>
      </span>
      <span class="alert-msg">${esc(msg)}</span>
    </button>`;
    /** @type {HTMLButtonElement} */ (li.querySelector('button')).addEventListener('click', () => {
      this.markRead(id);
      this.onSelect(f);
    });
    // Keep newest first: insert before the first alert that is older.
    let before = null;
    for (const child of this.all('li.alert')) {
      if (Number(child.dataset.time) <= t) { before = child; break; }
    }
    this.list.insertBefore(li, before);
  }

  /** @param {string} id */
  markRead(id) {
    if (!this.seen.has(id)) return;
    this.read.add(id);
    const li = this.list.querySelector(`li.alert[data-id="${CSS.escape(id)}"]`);
    if (li) li.classList.remove('unread');
    this.renderCount();
  }

  markAllRead() {
    for (const id of this.seen.keys()) this.read.add(id);
    for (const li of this.all('li.alert.unread')) li.classList.remove('unread');
    this.renderCount();
  }

  /** Empties the list; cleared alerts do not come back from a later load. */
  clear() {
    for (const id of this.seen.keys()) this.cleared.add(id);
    this.seen.clear();
    this.read.clear();
    this.list.replaceChildren();
    this.applyFilter();
  }

  // renderSeparators puts a "Demo pass N" line above the newest alert of
  // each pass when the list holds more than one pass.
  renderSeparators() {
    for (const s of this.all('li.pass-sep')) s.remove();
    if (!this.demo) return;
    const items = [...this.all('li.alert')];
    const passes = new Set(items.map((li) => li.dataset.pass));
    if (passes.size < 2) return;
    /** @type {string | undefined} */
    let last;
    for (const li of items) {
      if (li.dataset.pass === last) continue;
      last = li.dataset.pass || '';
      const sep = document.createElement('li');
      sep.className = 'pass-sep';
      sep.dataset.pass = last;
      sep.setAttribute('role', 'separator');
      sep.textContent = `Demo pass ${last}`;
      this.list.insertBefore(sep, li);
    }
  }

  // applyFilter hides the alerts of other types than the filter's, and
  // separators with no alert shown below them.
  applyFilter() {
    const type = this.filter ? this.filter.value : '';
    let shown = 0;
    for (const li of this.all('li.alert')) {
      li.hidden = Boolean(type) && li.dataset.type !== type;
      if (!li.hidden) shown += 1;
    }
    for (const sep of this.all('li.pass-sep')) {
      let next = /** @type {HTMLElement | null} */ (sep.nextElementSibling);
      let any = false;
      while (next && next.classList.contains('alert')) {
        if (!next.hidden) { any = true; break; }
        next = /** @type {HTMLElement | null} */ (next.nextElementSibling);
      }
      sep.hidden = !any;
    }
    this.empty.hidden = shown > 0;
    this.empty.textContent = this.seen.size && type ? 'No alerts of this type.' : 'No alerts yet.';
    this.renderCount();
  }

  renderCount() {
    const n = this.unread();
    this.counter.textContent = String(n);
    this.counter.title = `${n} unread of ${this.seen.size}`;
    this.counter.dataset.total = String(this.seen.size);
  }
}

/**
 * Fills a legend list with the alert markers the map draws: a ring in the type's colour.
 * @param {HTMLElement} ul
 */
export function renderAlertLegend(ul) {
  ul.replaceChildren();
  for (const [type, color] of Object.entries(ALERT_COLORS)) {
    const li = document.createElement('li');
    li.dataset.type = type;
    li.innerHTML = `<span class="key key-alert" style="border-color:${color}" aria-hidden="true"></span>${esc(type.replace('_', ' '))}`;
    ul.append(li);
  }
}

/**
 * Fills the type filter with one option per alert type.
 * @param {HTMLElement} select
 */
export function fillAlertFilter(select) {
  for (const type of Object.keys(ALERT_COLORS)) {
    const o = document.createElement('option');
    o.value = type;
    o.textContent = type.replace('_', ' ');
    select.append(o);
  }
}
