// Keyboard shortcuts for the map, their help overlay (the ? key or the
// "?" button) and their list in the About panel. Keys typed into a field
// (input, select, textarea, contenteditable) and keys with Ctrl, Alt or
// Meta are left alone; keys pressed on the map canvas that MapLibre
// handles itself (+, -) are left to it. Clicking an aircraft selects it
// (selectAircraft in state.js), which "f" follows.

import { aircraft, selectAircraft, selectedHex, onSelect } from './state.js';
import { closeSheets, setSheet, sheetMode, sheetOpen } from './sheet.js';

/**
 * One shortcut: the key(s) shown, what it does, and whether it applies
 * on this page (an element it needs may be missing).
 * @typedef {{ keys: string[], label: string, available?: () => boolean }} Shortcut
 */

/** @type {Shortcut[]} */
export const SHORTCUTS = [
  { keys: ['/'], label: 'Search aircraft', available: () => Boolean(document.getElementById('search')) },
  { keys: ['a'], label: 'Show or hide the alerts' },
  { keys: ['l'], label: 'Show or hide the legend and report window' },
  { keys: ['t'], label: 'Show or hide the aircraft table', available: () => Boolean(document.getElementById('btn-table')) },
  { keys: ['h'], label: 'Show or hide the history', available: () => Boolean(document.getElementById('btn-history')) },
  { keys: ['f'], label: 'Follow the selected aircraft (again to stop)' },
  { keys: ['+', '−'], label: 'Zoom in, zoom out' },
  { keys: ['Esc'], label: 'Close panels and popups, clear the selection' },
  { keys: ['?'], label: 'Show or hide this help' },
];

/** How often (ms) a followed aircraft is re-centred. */
const FOLLOW_MS = 1000;

/**
 * True when a key event belongs to a field the user types into.
 * @param {EventTarget | null} t
 * @returns {boolean}
 */
export function typing(t) {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable) return true;
  const tag = t.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT';
}

/**
 * The help's list of shortcuts, as a definition list.
 * @returns {HTMLDListElement}
 */
function shortcutList() {
  const dl = document.createElement('dl');
  dl.className = 'shortcut-list';
  for (const s of SHORTCUTS) {
    if (s.available && !s.available()) continue;
    const dt = document.createElement('dt');
    s.keys.forEach((k, i) => {
      if (i) dt.append(' ');
      const kbd = document.createElement('kbd');
      kbd.textContent = k;
      dt.append(kbd);
    });
    const dd = document.createElement('dd');
    dd.textContent = s.label;
    dl.append(dt, dd);
  }
  return dl;
}

/** @param {string} id */
function byId(id) {
  return document.getElementById(id);
}

/**
 * Clicks the element with this id if the page has it and it is shown.
 * @param {string} id
 * @returns {boolean} whether it was clicked
 */
function press(id) {
  const el = byId(id);
  if (!el || el.hidden) return false;
  el.click();
  return true;
}

export class Keys {
  /** @param {import('maplibre-gl').Map} map */
  constructor(map) {
    this.map = map;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.noticeTimer = undefined;
    /** @type {string | null} the hex being followed */
    this.following = null;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.followTimer = undefined;
    /** @type {HTMLElement | null} the element focused before the help opened */
    this.returnFocus = null;
    this.help = this.buildHelp();
    this.chip = this.buildChip();
    this.aboutList();
    document.addEventListener('keydown', (e) => this.onKey(e));
    const btn = byId('btn-keys');
    if (btn) btn.addEventListener('click', () => this.toggleHelp());
    // clicking an aircraft selects it (app.js), so that f has one to follow
    map.on('dragstart', () => this.follow(null));
    onSelect((hex) => { if (hex !== this.following) this.follow(null); });
  }

  /** @returns {HTMLElement} the help overlay, closed */
  buildHelp() {
    const wrap = document.createElement('div');
    wrap.id = 'keys-help';
    wrap.className = 'keys-help';
    wrap.hidden = true;
    wrap.setAttribute('role', 'dialog');
    wrap.setAttribute('aria-modal', 'true');
    wrap.setAttribute('aria-labelledby', 'keys-help-title');
    const box = document.createElement('div');
    box.className = 'keys-help-box card';
    const head = document.createElement('div');
    head.className = 'panel-head';
    const h = document.createElement('h2');
    h.id = 'keys-help-title';
    h.textContent = 'Keyboard shortcuts';
    const close = document.createElement('button');
    close.type = 'button';
    close.className = 'close';
    close.id = 'keys-help-close';
    close.setAttribute('aria-label', 'Close keyboard shortcuts');
    close.textContent = '×';
    close.addEventListener('click', () => this.toggleHelp(false));
    head.append(h, close);
    box.append(head, shortcutList());
    wrap.append(box);
    wrap.addEventListener('click', (e) => { if (e.target === wrap) this.toggleHelp(false); });
    document.body.append(wrap);
    return wrap;
  }

  /** @returns {HTMLElement} the "following" notice over the map */
  buildChip() {
    const chip = document.createElement('p');
    chip.id = 'follow-chip';
    chip.className = 'follow-chip';
    chip.setAttribute('role', 'status');
    chip.hidden = true;
    (document.querySelector('main.layout') || document.body).append(chip);
    return chip;
  }

  /** Lists the shortcuts in the About panel, below its text. */
  aboutList() {
    const panel = byId('info-panel');
    if (!panel || byId('about-keys')) return;
    const sec = document.createElement('section');
    sec.id = 'about-keys';
    sec.className = 'about-keys';
    const h = document.createElement('h3');
    h.textContent = 'Keyboard shortcuts';
    sec.append(h, shortcutList());
    panel.append(sec);
  }

  /**
   * Opens or closes the help (toggles without an argument).
   * @param {boolean} [open]
   */
  toggleHelp(open) {
    const show = open === undefined ? this.help.hidden : open;
    if (show === !this.help.hidden) return;
    if (show) {
      // The list is rebuilt: panels others add may have appeared.
      const box = /** @type {HTMLElement} */ (this.help.firstElementChild);
      const old = box.querySelector('.shortcut-list');
      if (old) old.replaceWith(shortcutList());
      this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      this.help.hidden = false;
      const close = byId('keys-help-close');
      if (close) close.focus();
    } else {
      this.help.hidden = true;
      if (this.returnFocus) this.returnFocus.focus();
      this.returnFocus = null;
    }
    const btn = byId('btn-keys');
    if (btn) btn.setAttribute('aria-expanded', String(show));
  }

  /** Shows or hides the legend and report window. */
  toggleLegend() {
    const el = byId('reports-control');
    if (!el) return;
    if (sheetMode()) setSheet(el, !sheetOpen(el));
    else el.hidden = !el.hidden;
  }

  /**
   * Follows an aircraft (null stops): the map is re-centred on it every
   * FOLLOW_MS while it is live.
   * @param {string | null} hex
   */
  follow(hex) {
    clearInterval(this.followTimer);
    this.followTimer = undefined;
    this.following = hex;
    this.chip.hidden = !hex;
    if (!hex) return;
    const f = aircraft.get(hex);
    const name = f && f.properties && f.properties.label ? String(f.properties.label) : hex.toUpperCase();
    clearTimeout(this.noticeTimer);
    this.chip.textContent = `Following ${name} · f or drag to stop`;
    const step = () => {
      const a = aircraft.get(hex);
      if (!a) return;
      const [lon, lat] = a.geometry.coordinates;
      const c = this.map.getCenter();
      if (Math.abs(c.lng - lon) > 1e-6 || Math.abs(c.lat - lat) > 1e-6) this.map.easeTo({ center: [lon, lat], duration: 600 });
    };
    step();
    this.followTimer = setInterval(step, FOLLOW_MS);
  }

  /**
   * Shows a short message where the "following" notice goes.
   * @param {string} msg
   */
  notify(msg) {
    if (this.following) return;
    clearTimeout(this.noticeTimer);
    this.chip.textContent = msg;
    this.chip.hidden = false;
    this.noticeTimer = setTimeout(() => { if (!this.following) this.chip.hidden = true; }, 3000);
  }

  /** Esc: closes the help, or else every panel, popup and sheet and clears the selection. */
  escape() {
    if (!this.help.hidden) {
      this.toggleHelp(false);
      return;
    }
    closeSheets();
    for (const panel of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.panel'))) {
      if (panel.hidden) continue;
      const close = panel.querySelector('.close');
      // Sheets were collapsed above; on phones they stay as handles.
      if (close instanceof HTMLElement && !(sheetMode() && panel.classList.contains('sheet'))) close.click();
    }
    for (const b of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.maplibregl-popup-close-button'))) b.click();
    this.follow(null);
    selectAircraft(null);
  }

  /** @param {KeyboardEvent} e */
  onKey(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Escape') {
      // Esc in a field leaves the field (and its own handling) alone.
      if (!typing(e.target)) this.escape();
      return;
    }
    if (typing(e.target)) return;
    // The help is modal: only ? and Esc act while it is open.
    if (!this.help.hidden && e.key !== '?') return;
    const onCanvas = e.target instanceof HTMLElement && e.target.classList.contains('maplibregl-canvas');
    let done = true;
    switch (e.key) {
      case '/': {
        const s = byId('search');
        if (s) s.focus();
        else done = false;
        break;
      }
      case 'a': done = press('btn-alerts'); break;
      case 'l': this.toggleLegend(); break;
      case 't': done = press('btn-table'); break;
      case 'h': done = press('btn-history'); break;
      case '?': this.toggleHelp(); break;
      case 'f': {
        const hex = selectedHex();
        if (this.following) this.follow(null);
        else if (hex && aircraft.has(hex)) this.follow(hex);
        else this.notify(hex ? 'The selected aircraft is not on the map.' : 'Select an aircraft to follow it.');
        break;
      }
      case '+':
      case '=':
        if (onCanvas) return;
        this.map.zoomIn();
        break;
      case '-':
      case '_':
        if (onCanvas) return;
        this.map.zoomOut();
        break;
      default:
        done = false;
    }
    if (done) e.preventDefault();
  }

  /** @returns {string | null} the hex being followed, null when none (read by tests) */
  get followed() {
    return this.following;
  }

  /** @returns {string | null} the selected aircraft's hex (read by tests) */
  get selected() {
    return selectedHex();
  }
}
