// Finding aircraft: the sortable aircraft table and the search box.
//
// The table lists the live aircraft the map holds that pass the filters
// (filters.js), one row each, sorted by any column. It is virtualised:
// only the rows in sight are in the page, so thousands of aircraft scroll
// smoothly, and its rows are rebuilt at most once a second as updates
// arrive. Clicking a row (or Enter on it) picks the aircraft; the selected
// aircraft's row is highlighted and scrolled into sight.
//
// The search box matches a hex, callsign or registration (case-insensitive:
// exact first, then prefix, then anywhere in it) among the aircraft the map
// holds, and asks the API for the others.

import { esc, fetchJSON } from './util.js';
import { aircraft, markDirty, selectAircraft, selectedHex, onSelect, setViewTime, viewTime, onViewTime } from './state.js';
import { prepareAircraft } from './aircraft.js';
import { PREDICTION_LAYER } from './prediction.js';
import {
  filters, filtering, passes, setFilters, onFilters, shownLayers, setShownLayers, onLayers,
  wireFilterControls, addLayersControl, setFeedChoices,
} from './filters.js';
import { LAYER_NAMES, writeURL } from './urlstate.js';

/**
 * An aircraft as the table and the search see it.
 * @typedef {{ id: string, geometry: import('geojson').Point, properties: Record<string, any> }} Row
 */

/**
 * A column: its key, header, the value it sorts by (null sorts last
 * whatever the direction) and the text it shows.
 * @typedef {object} Column
 * @property {string} key
 * @property {string} label
 * @property {string} title what the header says in full
 * @property {boolean} num sorts as a number
 * @property {(p: Record<string, any>, dest: string) => string | number | null} value
 * @property {(p: Record<string, any>, dest: string) => string} text
 */

/**
 * @param {unknown} v
 * @returns {number | null}
 */
function num(v) {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * @param {unknown} v
 * @returns {string | null}
 */
function str(v) {
  const s = String(v ?? '').trim();
  return s === '' ? null : s;
}

/** @param {Record<string, any>} p */
const onGround = (p) => p.on_ground === true || p.on_ground === 'true';

/** @type {Column[]} */
export const COLUMNS = [
  { key: 'callsign', label: 'Callsign', title: 'Callsign', num: false, value: (p) => str(p.callsign), text: (p) => str(p.callsign) || '' },
  { key: 'hex', label: 'Hex', title: 'ICAO address', num: false, value: (p) => str(p.hex), text: (p) => String(p.hex || '') },
  { key: 'reg', label: 'Reg', title: 'Registration', num: false, value: (p) => str(p.reg), text: (p) => str(p.reg) || '' },
  { key: 'type', label: 'Type', title: 'ICAO aircraft type', num: false, value: (p) => str(p.type), text: (p) => str(p.type) || '' },
  {
    key: 'alt', label: 'Alt ft', title: 'Altitude, feet', num: true,
    value: (p) => (onGround(p) ? 0 : num(p.alt_ft)),
    text: (p) => { const a = num(p.alt_ft); return onGround(p) ? 'ground' : a === null ? '' : Math.round(a).toLocaleString('en'); },
  },
  {
    key: 'gs', label: 'Kt', title: 'Ground speed, knots', num: true,
    value: (p) => num(p.gs_kt),
    text: (p) => { const v = num(p.gs_kt); return v === null ? '' : String(Math.round(v)); },
  },
  { key: 'phase', label: 'Phase', title: 'Phase of flight', num: false, value: (p) => str(p.phase) || (onGround(p) ? 'ground' : null), text: (p) => str(p.phase) || (onGround(p) ? 'ground' : '') },
  { key: 'dest', label: 'Dest', title: 'Predicted destination', num: false, value: (_p, d) => str(d), text: (_p, d) => d },
];

/**
 * Sorts rows by a column (ties by hex, so the order is stable); null
 * values go last in both directions.
 * @param {Row[]} rows sorted in place
 * @param {string} key a column key
 * @param {1 | -1} dir 1 ascending, -1 descending
 * @param {(hex: string) => string} destOf predicted destination of an aircraft ('' when none)
 * @returns {Row[]}
 */
export function sortRows(rows, key, dir, destOf) {
  const col = COLUMNS.find((c) => c.key === key) || COLUMNS[0];
  const keyed = rows.map((r) => ({ r, v: col.value(r.properties, destOf(r.id)) }));
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) {
      if (a.v !== b.v) return a.v === null ? 1 : -1;
    } else if (a.v !== b.v) {
      const c = col.num ? Number(a.v) - Number(b.v) : String(a.v).localeCompare(String(b.v), 'en', { numeric: true });
      if (c) return c * dir;
    }
    return a.r.id < b.r.id ? -1 : a.r.id > b.r.id ? 1 : 0;
  });
  for (let i = 0; i < keyed.length; i++) rows[i] = keyed[i].r;
  return rows;
}

/**
 * How well a query matches an aircraft: 0 exact, 1 prefix, 2 substring
 * of its hex, callsign or registration (a registration also without its
 * dashes); -1 when it does not match.
 * @param {string} query lower case, trimmed
 * @param {Record<string, any>} p aircraft properties
 * @returns {number}
 */
export function matchScore(query, p) {
  if (!query) return -1;
  let best = -1;
  const reg = String(p.reg || '').trim().toLowerCase();
  for (const field of [String(p.hex || ''), String(p.callsign || '').trim(), reg, reg.replace(/-/g, '')]) {
    const f = field.toLowerCase();
    if (!f) continue;
    const s = f === query ? 0 : f.startsWith(query) ? 1 : f.includes(query) ? 2 : -1;
    if (s >= 0 && (best < 0 || s < best)) best = s;
  }
  return best;
}

/**
 * The aircraft matching a query, best first (then by label), at most limit.
 * @param {string} query as typed
 * @param {Iterable<Row>} rows
 * @param {number} [limit]
 * @returns {Row[]}
 */
export function findAircraft(query, rows, limit = 8) {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  /** @type {Array<{ r: Row, s: number, l: string }>} */
  const hits = [];
  for (const r of rows) {
    const s = matchScore(q, r.properties);
    if (s >= 0) hits.push({ r, s, l: String(r.properties.callsign || r.id).trim() });
  }
  hits.sort((a, b) => a.s - b.s || a.l.localeCompare(b.l) || (a.r.id < b.r.id ? -1 : 1));
  return hits.slice(0, limit).map((h) => h.r);
}

// ---- the table -------------------------------------------------------------------

const ROW_HEIGHT = 26; // px, as in style.css (.ac-table tbody tr)
const OVERSCAN = 8; // rows drawn beyond each edge of the view
const REFRESH_MS = 1000;

/** @returns {HTMLTableRowElement} an empty spacer row */
function spacer() {
  const tr = document.createElement('tr');
  tr.className = 'spacer';
  tr.setAttribute('aria-hidden', 'true');
  const td = document.createElement('td');
  td.colSpan = COLUMNS.length;
  tr.append(td);
  return tr;
}

/** @returns {HTMLTableRowElement} a row with a cell per column */
function rowElement() {
  const tr = document.createElement('tr');
  tr.tabIndex = 0;
  for (const c of COLUMNS) {
    const td = document.createElement('td');
    td.className = `col-${c.key}${c.num ? ' num' : ''}`;
    tr.append(td);
  }
  return tr;
}

export class AircraftTable {
  /**
   * @param {object} opts
   * @param {HTMLElement} opts.scroller the scrolling box around the table
   * @param {HTMLTableSectionElement} opts.head
   * @param {HTMLTableSectionElement} opts.body
   * @param {HTMLElement} opts.count says how many rows there are
   * @param {() => Iterable<Row>} opts.rows the aircraft to list (filtered)
   * @param {() => number} opts.held how many aircraft the map holds
   * @param {(hex: string) => string} opts.destOf predicted destination of an aircraft ('' when none)
   * @param {(row: Row) => void} opts.onPick a row was clicked or chosen with the keyboard
   */
  constructor({ scroller, head, body, count, rows, held, destOf, onPick }) {
    this.scroller = scroller;
    this.head = head;
    this.body = body;
    this.count = count;
    this.source = rows;
    this.held = held;
    this.destOf = destOf;
    this.onPick = onPick;
    /** @type {Row[]} the rows in table order */
    this.rows = [];
    /** @type {Map<string, number>} hex → index in rows */
    this.index = new Map();
    this.sortKey = 'callsign';
    /** @type {1 | -1} */
    this.sortDir = 1;
    /** @type {string | null} */
    this.selected = null;
    this.scrollPending = false;
    this.builtAt = 0;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    this.frame = 0;
    this.drawnKey = '';
    /** @type {HTMLTableRowElement[]} row elements, reused from one redraw to the next */
    this.pool = [];
    /** @type {HTMLTableRowElement | null} */
    this.top = null;
    /** @type {HTMLTableRowElement | null} */
    this.bottom = null;
    this.renderHead();
    this.head.addEventListener('click', (e) => {
      const th = e.target instanceof Element ? e.target.closest('th[data-key]') : null;
      if (th instanceof HTMLElement && th.dataset.key) this.sortBy(th.dataset.key);
    });
    this.body.addEventListener('click', (e) => {
      const tr = e.target instanceof Element ? e.target.closest('tr[data-hex]') : null;
      if (tr instanceof HTMLElement) this.pick(String(tr.dataset.hex));
    });
    this.body.addEventListener('keydown', (e) => {
      const tr = e.target instanceof Element ? e.target.closest('tr[data-hex]') : null;
      if (!(tr instanceof HTMLElement)) return;
      const i = this.index.get(String(tr.dataset.hex));
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.pick(String(tr.dataset.hex));
      } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && i !== undefined) {
        e.preventDefault();
        this.focusRow(i + (e.key === 'ArrowDown' ? 1 : -1));
      }
    });
    this.scroller.addEventListener('scroll', () => this.schedule());
  }

  /** @param {string} hex */
  pick(hex) {
    const i = this.index.get(hex);
    if (i !== undefined) this.onPick(this.rows[i]);
  }

  /**
   * Moves the keyboard focus to a row, scrolling it into sight.
   * @param {number} i
   */
  focusRow(i) {
    if (i < 0 || i >= this.rows.length) return;
    this.scrollTo(i);
    this.render();
    const tr = this.body.querySelector(`tr[data-hex="${CSS.escape(this.rows[i].id)}"]`);
    if (tr instanceof HTMLElement) tr.focus();
  }

  renderHead() {
    this.head.innerHTML = `<tr>${COLUMNS.map((c) => {
      const sort = c.key === this.sortKey ? (this.sortDir === 1 ? 'ascending' : 'descending') : 'none';
      const arrow = c.key === this.sortKey ? (this.sortDir === 1 ? ' ▲' : ' ▼') : '';
      return `<th scope="col" data-key="${c.key}" aria-sort="${sort}" title="${esc(c.title)}, click to sort" class="col-${c.key}${c.num ? ' num' : ''}">` +
        `<button type="button" class="th-btn">${esc(c.label)}${arrow}</button></th>`;
    }).join('')}</tr>`;
  }

  /**
   * Sorts by a column; the sorted column again reverses the order.
   * @param {string} key
   */
  sortBy(key) {
    if (!COLUMNS.some((c) => c.key === key)) return;
    if (key === this.sortKey) this.sortDir = this.sortDir === 1 ? -1 : 1;
    else {
      this.sortKey = key;
      const col = COLUMNS.find((c) => c.key === key);
      this.sortDir = col && col.num ? -1 : 1;
    }
    this.renderHead();
    this.refresh(true);
  }

  /**
   * Rebuilds the rows from the aircraft: now when forced, else at most
   * once a second.
   * @param {boolean} [force]
   */
  refresh(force = false) {
    const wait = REFRESH_MS - (Date.now() - this.builtAt);
    if (!force && wait > 0) {
      if (!this.timer) this.timer = setTimeout(() => { this.timer = null; this.refresh(true); }, wait);
      return;
    }
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    this.builtAt = Date.now();
    this.rows = sortRows([...this.source()], this.sortKey, this.sortDir, this.destOf);
    this.index = new Map(this.rows.map((r, i) => [r.id, i]));
    const sel = this.selected ? this.index.get(this.selected) : undefined;
    if (this.scrollPending && sel !== undefined) {
      this.scrollPending = false;
      this.scrollTo(sel);
    }
    const held = this.held();
    this.count.textContent = this.rows.length === held
      ? `${held.toLocaleString('en')} aircraft in view`
      : `${this.rows.length.toLocaleString('en')} of ${held.toLocaleString('en')} aircraft in view`;
    this.drawnKey = '';
    this.render();
  }

  /** Redraws on the next animation frame (scrolling). */
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  /**
   * Draws the rows in sight, between two spacer rows. Row elements are
   * kept and refilled, never replaced, so that a click is not lost to a
   * redraw between its press and its release.
   */
  render() {
    const n = this.rows.length;
    const height = this.scroller.clientHeight || 400;
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(n, Math.ceil((this.scroller.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const key = `${first}:${last}:${this.selected}`;
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    const focused = document.activeElement instanceof HTMLTableRowElement && this.body.contains(document.activeElement)
      ? document.activeElement.dataset.hex : undefined;
    if (!this.top) {
      this.top = spacer();
      this.bottom = spacer();
      this.body.replaceChildren(this.top, this.bottom);
    }
    const top = this.top;
    const bottom = /** @type {HTMLTableRowElement} */ (this.bottom);
    top.style.height = `${first * ROW_HEIGHT}px`;
    bottom.style.height = `${(n - last) * ROW_HEIGHT}px`;
    const count = Math.max(0, last - first);
    while (this.pool.length < count) this.pool.push(rowElement());
    for (let k = 0; k < count; k++) {
      const i = first + k;
      const r = this.rows[i];
      const tr = this.pool[k];
      const p = r.properties;
      const dest = this.destOf(r.id);
      const sel = r.id === this.selected;
      if (tr.dataset.hex !== r.id) tr.dataset.hex = r.id;
      tr.setAttribute('aria-rowindex', String(i + 2));
      tr.setAttribute('aria-selected', String(sel));
      tr.classList.toggle('selected', sel);
      tr.classList.toggle('watched', Boolean(p.watched));
      for (let c = 0; c < COLUMNS.length; c++) {
        const td = /** @type {HTMLTableCellElement} */ (tr.children[c]);
        const text = COLUMNS[c].text(p, dest);
        if (td.textContent !== text) td.textContent = text;
      }
      if (tr.parentNode !== this.body || tr.previousSibling !== (k === 0 ? top : this.pool[k - 1])) {
        this.body.insertBefore(tr, k === 0 ? top.nextSibling : this.pool[k - 1].nextSibling);
      }
    }
    for (let k = count; k < this.pool.length; k++) this.pool[k].remove();
    this.body.parentElement?.setAttribute('aria-rowcount', String(n + 1));
    if (focused && !(document.activeElement instanceof HTMLTableRowElement && document.activeElement.dataset.hex === focused)) {
      const tr = this.body.querySelector(`tr[data-hex="${CSS.escape(focused)}"]`);
      if (tr instanceof HTMLElement) tr.focus({ preventScroll: true });
    }
  }

  /**
   * Scrolls row i into sight (unless it is in sight already).
   * @param {number} i
   */
  scrollTo(i) {
    const top = i * ROW_HEIGHT;
    const headH = this.head.getBoundingClientRect().height || ROW_HEIGHT;
    const view = this.scroller.clientHeight - headH;
    if (top < this.scroller.scrollTop || top + ROW_HEIGHT > this.scroller.scrollTop + view) {
      this.scroller.scrollTop = Math.max(0, top - Math.max(0, (view - ROW_HEIGHT) / 2));
    }
  }

  /**
   * Highlights the selected aircraft's row and scrolls it into sight.
   * @param {string | null} hex
   */
  select(hex) {
    this.selected = hex;
    const i = hex ? this.index.get(hex) : undefined;
    if (i !== undefined) this.scrollTo(i);
    // An aircraft not listed yet (flown to from the search) is scrolled to when it is.
    this.scrollPending = hex !== null && i === undefined;
    this.drawnKey = '';
    this.render();
  }

  /** @returns {boolean} whether the table's panel is shown */
  visible() {
    return this.scroller.offsetParent !== null;
  }
}

// ---- the search box ---------------------------------------------------------------

const REMOTE_TTL_MS = 15000;

export class Search {
  /**
   * @param {object} opts
   * @param {HTMLInputElement} opts.input a combobox
   * @param {HTMLElement} opts.list its listbox
   * @param {HTMLElement} opts.status where "no match" is said
   * @param {() => Iterable<Row>} opts.local the aircraft the map holds
   * @param {() => Promise<Row[]>} opts.remote every live aircraft the API knows
   * @param {(row: Row) => void} opts.onPick
   */
  constructor({ input, list, status, local, remote, onPick }) {
    this.input = input;
    this.list = list;
    this.status = status;
    this.local = local;
    this.remote = remote;
    this.onPick = onPick;
    /** @type {Row[]} */
    this.matches = [];
    this.active = -1;
    /** the query the list was made for */
    this.listed = '';
    /** @type {{ at: number, rows: Promise<Row[]> } | null} */
    this.cache = null;
    this.seq = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => { this.suggest(); }, 120);
    });
    input.addEventListener('keydown', (e) => this.key(e));
    input.addEventListener('blur', () => setTimeout(() => this.close(), 150));
    list.addEventListener('mousedown', (e) => e.preventDefault()); // keep the focus in the input
    list.addEventListener('click', (e) => {
      const li = e.target instanceof Element ? e.target.closest('li[data-i]') : null;
      if (li instanceof HTMLElement) this.choose(this.matches[Number(li.dataset.i)]);
    });
  }

  /**
   * The matches of a query: among the aircraft held, else among those the
   * API knows (read at most every 15 s).
   * @param {string} q
   * @returns {Promise<Row[]>}
   */
  async lookup(q) {
    const near = findAircraft(q, this.local());
    if (near.length) return near;
    if (!this.cache || Date.now() - this.cache.at > REMOTE_TTL_MS) {
      const rows = this.remote().catch(() => /** @type {Row[]} */ ([]));
      this.cache = { at: Date.now(), rows };
    }
    return findAircraft(q, await this.cache.rows);
  }

  /** Lists the matches of what is typed. */
  async suggest() {
    const q = this.input.value;
    const seq = ++this.seq;
    if (!q.trim()) {
      this.show([], '');
      return;
    }
    const m = await this.lookup(q);
    if (seq !== this.seq) return; // typed on meanwhile
    this.show(m, q);
  }

  /**
   * @param {Row[]} matches
   * @param {string} q the query they match ('' for none)
   */
  show(matches, q) {
    this.matches = matches;
    this.listed = q;
    this.active = matches.length ? 0 : -1;
    this.status.textContent = q.trim() && !matches.length ? `No aircraft matches “${q.trim()}”` : '';
    this.status.hidden = !this.status.textContent;
    this.list.innerHTML = matches.map((r, i) => {
      const p = r.properties;
      const name = String(p.callsign || '').trim() || r.id.toUpperCase();
      const extra = [r.id, p.reg, p.type].filter((v) => v && String(v).trim() && v !== name).join(' · ');
      return `<li role="option" id="search-opt-${i}" data-i="${i}" aria-selected="${i === this.active}">` +
        `<span class="search-name">${esc(name)}</span> <span class="search-extra">${esc(extra)}</span></li>`;
    }).join('');
    this.list.hidden = !matches.length;
    this.input.setAttribute('aria-expanded', String(matches.length > 0));
    this.mark();
  }

  mark() {
    this.list.querySelectorAll('li').forEach((li, i) => li.setAttribute('aria-selected', String(i === this.active)));
    if (this.active >= 0) this.input.setAttribute('aria-activedescendant', `search-opt-${this.active}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  /** @param {KeyboardEvent} e */
  async key(e) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!this.matches.length) return;
      e.preventDefault();
      const n = this.matches.length;
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.mark();
    } else if (e.key === 'Escape') {
      if (!this.list.hidden) { e.preventDefault(); this.close(); }
    } else if (e.key === 'Enter') {
      e.preventDefault();
      clearTimeout(this.timer);
      const q = this.input.value;
      if (!q.trim()) return;
      // The list may be older than what is typed: look again.
      const seq = ++this.seq;
      const m = this.matches.length && this.active >= 0 && this.listed === q ? this.matches : await this.lookup(q);
      if (seq !== this.seq) return;
      const pick = m === this.matches ? m[this.active] : m[0];
      if (pick) this.choose(pick);
      else this.show([], q);
    }
  }

  /** @param {Row | undefined} row */
  choose(row) {
    if (!row) return;
    this.input.value = String(row.properties.callsign || '').trim() || row.id.toUpperCase();
    this.close();
    this.status.textContent = '';
    this.status.hidden = true;
    this.onPick(row);
  }

  close() {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }
}

// ---- wiring: table, search, filters, layers and the URL ----------------------------

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`flightwatch: the page has no #${id}`);
  return el;
}

/**
 * Wires the aircraft table, the search box, the filter inputs, the Layers
 * control and the URL's state to the map and the shared selection: a
 * picked row or search result is selected and flown to; the selection
 * is highlighted on the map and in the table; filters, layers, selection,
 * view and viewed time are written to the URL as they change, and read
 * from it (`initial`) once.
 * @param {import('maplibre-gl').Map} map
 * @param {import('./urlstate.js').UrlState} initial the state the page was opened with
 * @param {() => { top: number, bottom: number, left: number, right: number }} viewPadding
 * @param {() => Iterable<import('./state.js').AircraftFeature>} [shown] the aircraft the map draws (those of
 *   the viewed time, that pass the filters); default: the live ones that pass the filters
 */
export function wireFind(map, initial, viewPadding, shown) {
  if (initial.errors) for (const e of initial.errors) console.warn('flightwatch: URL:', e);
  setFilters({ watch: initial.watch, mil: initial.mil, altMin: initial.altMin, altMax: initial.altMax, type: initial.type, feed: initial.feed });
  if (initial.layers) setShownLayers(initial.layers);
  if (initial.t !== undefined) setViewTime(initial.t);

  /** @type {import('./prediction.js').Predictions | null} */
  let predictions = null;
  /** @type {Map<string, string>} hex → predicted destination */
  let dests = new Map();
  const destOf = (/** @type {string} */ hex) => dests.get(hex) || '';

  const panel = byId('table-panel');
  const btn = byId('btn-table');
  /** @param {boolean} open */
  const setPanel = (open) => {
    panel.hidden = !open;
    btn.setAttribute('aria-expanded', String(open));
    document.body.classList.toggle('table-open', open);
    if (open) table.refresh(true);
  };

  /** Map padding that keeps a target clear of the table too. */
  const padding = () => {
    const pad = viewPadding();
    if (!panel.hidden && panel.offsetWidth && panel.offsetLeft < window.innerWidth / 2) pad.left = Math.max(pad.left, panel.offsetLeft + panel.offsetWidth + 20);
    return pad;
  };

  /**
   * Selects an aircraft and flies to it.
   * @param {Row} row
   */
  const pick = (row) => {
    selectAircraft(row.id);
    const c = row.geometry && row.geometry.coordinates;
    if (c) map.flyTo({ center: [c[0], c[1]], zoom: Math.max(map.getZoom(), 6), essential: true, padding: padding() });
  };

  const table = new AircraftTable({
    scroller: byId('table-scroll'),
    head: /** @type {HTMLTableSectionElement} */ (byId('table-head')),
    body: /** @type {HTMLTableSectionElement} */ (byId('table-body')),
    count: byId('table-count'),
    rows: shown || (() => (filtering() ? [...aircraft.values()].filter((f) => passes(f.properties)) : aircraft.values())),
    held: () => aircraft.size,
    destOf,
    onPick: pick,
  });
  // The feed filter offers the configured feeds and every source an
  // aircraft came from (push clients name their own).
  const feedSelect = /** @type {HTMLSelectElement} */ (byId('f-feed'));
  /** @type {string[]} */
  let feedNames = [];
  let feedsAt = 0;
  const refreshFeeds = () => {
    feedsAt = Date.now();
    const seen = new Set(feedNames);
    for (const f of aircraft.values()) if (typeof f.properties.source === 'string') seen.add(f.properties.source);
    setFeedChoices(feedSelect, seen);
  };
  fetchJSON('/api/v1/feeds').then((list) => {
    if (Array.isArray(list)) feedNames = list.map((s) => s && s.name).filter((n) => typeof n === 'string');
    refreshFeeds();
  }).catch((err) => console.warn('flightwatch: feeds:', err instanceof Error ? err.message : err));
  btn.addEventListener('click', () => setPanel(panel.hidden));
  byId('table-close').addEventListener('click', () => { setPanel(false); btn.focus(); });

  const search = new Search({
    input: /** @type {HTMLInputElement} */ (byId('search')),
    list: byId('search-list'),
    status: byId('search-status'),
    local: () => aircraft.values(),
    remote: async () => {
      const fc = await fetchJSON('/api/v1/aircraft');
      /** @type {import('geojson').Feature[]} */
      const feats = (fc && fc.features) || [];
      return feats.filter((f) => f.geometry && f.geometry.type === 'Point').map(prepareAircraft);
    },
    onPick: pick,
  });
  byId('search-form').addEventListener('submit', (e) => e.preventDefault());

  wireFilterControls({
    watch: /** @type {HTMLInputElement} */ (byId('f-watch')),
    mil: /** @type {HTMLInputElement} */ (byId('f-mil')),
    altMin: /** @type {HTMLInputElement} */ (byId('f-alt-min')),
    altMax: /** @type {HTMLInputElement} */ (byId('f-alt-max')),
    type: /** @type {HTMLInputElement} */ (byId('f-type')),
    feed: /** @type {HTMLSelectElement} */ (byId('f-feed')),
    clear: /** @type {HTMLButtonElement} */ (byId('f-clear')),
    badge: byId('filter-count'),
  });

  // ---- the URL ----
  let mapReady = false;
  const writeState = () => {
    const f = filters();
    const layers = shownLayers();
    const t = viewTime();
    /** @type {import('./urlstate.js').UrlState} */
    const st = { watch: f.watch, mil: f.mil, altMin: f.altMin, altMax: f.altMax, type: f.type, feed: f.feed };
    const hex = selectedHex();
    if (hex) st.hex = hex;
    if (layers.length !== LAYER_NAMES.length) st.layers = layers;
    if (t !== null) st.t = t;
    // Until the map has settled on its first view, the URL's bbox stays.
    if (mapReady) {
      const b = map.getBounds();
      st.bbox = [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()), Math.min(180, b.getEast()), Math.min(90, b.getNorth())];
      if (st.bbox[1] >= st.bbox[3] || st.bbox[0] > 179.9999 || st.bbox[2] < -179.9999) delete st.bbox;
    } else if (initial.bbox) st.bbox = initial.bbox;
    writeURL(st);
  };

  onFilters(() => {
    markDirty('aircraft');
    table.refresh(true);
    writeState();
  });
  onLayers(writeState);
  onViewTime(writeState);
  onSelect((hex) => {
    if (map.getLayer('aircraft-selected')) map.setFilter('aircraft-selected', ['==', ['get', 'hex'], hex || '']);
    table.select(hex);
    writeState();
  });
  // A click on the map away from any aircraft clears the selection.
  map.on('click', (e) => {
    if (!map.getLayer('aircraft')) return;
    const { x, y } = e.point;
    if (!map.queryRenderedFeatures([[x - 4, y - 4], [x + 4, y + 4]], { layers: ['aircraft'] }).length) selectAircraft(null);
  });

  return {
    table,
    search,
    selectedHex,
    viewTime,
    /** The aircraft or their filters changed: the table follows (throttled). */
    aircraftChanged() {
      if (!panel.hidden) table.refresh();
      if (!panel.hidden && Date.now() - feedsAt > 2000) refreshFeeds();
      if (predictions && map.getLayer(PREDICTION_LAYER)) {
        const hide = filtering() ? predictions.legs.map((l) => String(l.properties && l.properties.hex)).filter((h) => {
          const f = aircraft.get(h);
          return !f || !passes(f.properties);
        }) : [];
        map.setFilter(PREDICTION_LAYER, ['all', ['==', ['geometry-type'], 'LineString'], ['!', ['in', ['get', 'hex'], ['literal', hide]]]]);
      }
    },
    /**
     * The map has loaded (its layers are there): the Layers control, the
     * selection ring and the URL's view and selection are applied.
     * @param {import('./prediction.js').Predictions} preds
     */
    mapLoaded(preds) {
      predictions = preds;
      const refreshDests = () => {
        /** @type {Map<string, string>} */
        const next = new Map();
        for (const l of preds.legs) if (l.properties && l.properties.predicted_destination) next.set(String(l.properties.hex), String(l.properties.predicted_destination));
        dests = next;
      };
      setInterval(refreshDests, 5000);
      addLayersControl(map);
      map.setFilter('aircraft-selected', ['==', ['get', 'hex'], selectedHex() || '']);
      if (initial.bbox) {
        const [w, s, e, n] = initial.bbox;
        map.fitBounds([[w, s], [e < w ? e + 360 : e, n]], { padding: 0, duration: 0 });
      }
      mapReady = true;
      map.on('moveend', writeState);
      if (initial.hex) {
        selectAircraft(initial.hex);
        // Without a view in the URL, the map goes to the selected aircraft.
        if (!initial.bbox) {
          fetchJSON(`/api/v1/aircraft/${encodeURIComponent(initial.hex)}`).then((f) => {
            if (f && f.geometry && f.geometry.type === 'Point') pick(prepareAircraft(f));
          }).catch((err) => console.warn('flightwatch: aircraft', initial.hex, err instanceof Error ? err.message : err));
        }
      }
      writeState();
    },
  };
}
