// The alerts panel: newest first, a coloured badge per type, time and
// message; clicking an alert calls onSelect with its feature.

import { esc, fmtTime } from './util.js';

/** Badge colours per alert type. */
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

export class AlertsPanel {
  /**
   * @param {object} opts
   * @param {HTMLOListElement} opts.list
   * @param {HTMLElement} opts.empty element shown while the list is empty
   * @param {HTMLElement} opts.counter element holding the number of alerts
   * @param {(feature: object) => void} opts.onSelect
   */
  constructor({ list, empty, counter, onSelect }) {
    this.list = list;
    this.empty = empty;
    this.counter = counter;
    this.onSelect = onSelect;
    this.seen = new Map(); // alert id → feature
  }

  /** All alerts shown, newest first. */
  features() {
    return [...this.seen.values()];
  }

  /** Adds alerts (in any order); alerts already listed are ignored. Returns how many were new. */
  add(features, { fresh = false } = {}) {
    const news = [];
    for (const f of features) {
      const p = (f && f.properties) || {};
      const id = p.id || f.id || `${p.type}/${p.hex}/${p.time}`;
      if (this.seen.has(id)) continue;
      this.seen.set(id, f);
      news.push({ id, f, t: Date.parse(p.time) || 0 });
    }
    news.sort((a, b) => a.t - b.t);
    for (const { id, f, t } of news) this.insert(id, f, t, fresh);
    while (this.list.children.length > MAX_ALERTS) {
      const last = this.list.lastElementChild;
      this.seen.delete(last.dataset.id);
      last.remove();
    }
    this.empty.hidden = this.list.children.length > 0;
    this.counter.textContent = String(this.list.children.length);
    return news.length;
  }

  insert(id, f, t, fresh) {
    const p = f.properties || {};
    const li = document.createElement('li');
    li.dataset.id = id;
    li.dataset.time = String(t);
    const who = p.callsign || p.hex || p.plan || '';
    const color = ALERT_COLORS[p.type] || '#9fb0c4';
    const label = `${p.type || 'alert'} ${who}: ${p.message || ''}`;
    li.innerHTML = `<button type="button" class="alert-item${fresh ? ' fresh' : ''}" aria-label="${esc(label)}">
      <span class="alert-row">
        <span class="badge" style="background:${color}">${esc((p.type || 'alert').replace('_', ' '))}</span>
        <span class="alert-who">${esc(who)}</span>
        <time class="alert-time" datetime="${esc(p.time)}">${esc(fmtTime(p.time))}</time>
      </span>
      <span class="alert-msg">${esc(p.message || '')}</span>
    </button>`;
    li.querySelector('button').addEventListener('click', () => this.onSelect(f));
    // Keep newest first: insert before the first item that is older.
    let before = null;
    for (const child of this.list.children) {
      if (Number(child.dataset.time) <= t) { before = child; break; }
    }
    this.list.insertBefore(li, before);
  }
}
