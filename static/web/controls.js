// The page around the map: the status line (connection, aircraft count,
// last update, scenario clock), the alerts and About panels, the online
// tiles switch and the legends.

import { setOnlineTiles } from './basemap.js';
import { renderLegend } from './cells.js';
import { renderAlertLegend } from './alerts.js';
import { aircraft, scenarioTime } from './state.js';
import { fmtTime, fmtClock } from './util.js';
import { initSheets, onSheet, setSheet, sheetCover, sheetMode, sheetOpen } from './sheet.js';

/** True on a phone-sized screen, where the panels start closed. */
export const narrow = window.matchMedia('(max-width: 760px)').matches;

/**
 * The element with this id; the page has every id the map uses.
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @returns {T}
 */
export function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`flightwatch: the page has no #${id}`);
  return /** @type {T} */ (el);
}

// ---- status line -----------------------------------------------------------------

/** @type {'connecting' | 'connected' | 'disconnected'} */
let connState = 'connecting';
let connDetail = '';
/** @type {Date | null} */
let lastUpdate = null;

/**
 * Records the websocket's state and why it was lost.
 * @param {'connecting' | 'connected' | 'disconnected'} state
 * @param {string} [detail]
 */
export function setConnection(state, detail = '') {
  connState = state;
  connDetail = detail;
}

/**
 * Records an error the server sent; it is shown when the connection is lost.
 * @param {string} detail
 */
export function setConnectionDetail(detail) {
  connDetail = detail;
}

/** Records that a message has just arrived. */
export function touched() {
  lastUpdate = new Date();
}

/** Redraws the status line. */
export function renderStatus() {
  const el = $('status');
  el.classList.toggle('connected', connState === 'connected');
  el.classList.toggle('disconnected', connState === 'disconnected');
  $('status-conn').textContent = connState === 'disconnected' && connDetail
    ? `disconnected (${connDetail}), retrying…`
    : connState === 'connecting' ? 'connecting…' : connState;
  $('status-count').textContent = aircraft.size.toLocaleString('en');
  /** @type {HTMLTimeElement} */
  const t = $('status-time');
  if (lastUpdate) {
    t.textContent = fmtClock(scenarioTime(lastUpdate) || lastUpdate);
    t.dateTime = lastUpdate.toISOString();
  }
  renderScenarioClock();
}

/** Shows the demo's scenario time, or hides the clock outside the demo. */
export function renderScenarioClock() {
  const st = scenarioTime(new Date());
  $('scenario-clock').hidden = !st;
  document.body.classList.toggle('has-scenario', Boolean(st));
  if (!st) return;
  /** @type {HTMLTimeElement} */
  const el = $('scenario-time');
  el.textContent = fmtTime(st).slice(0, 16) + 'Z';
  el.dateTime = st.toISOString();
}

// ---- panels and buttons ----------------------------------------------------------------

/**
 * Map padding that keeps a target clear of the panels over the map.
 * @returns {{ top: number, bottom: number, left: number, right: number }}
 */
export function viewPadding() {
  const alertsHidden = $('alerts-panel').hidden;
  if (sheetMode()) return { top: 20, bottom: 20 + sheetCover(), left: 20, right: 20 };
  if (narrow) return { top: 20, bottom: alertsHidden ? 20 : Math.round(window.innerHeight * 0.42), left: 20, right: 20 };
  return { top: 20, bottom: 20, left: 240, right: alertsHidden ? 20 : 360 };
}

/**
 * @param {HTMLElement} panel
 * @param {HTMLElement} button the button that opens and closes it
 * @param {boolean} open
 */
function setPanel(panel, button, open) {
  panel.hidden = !open;
  button.setAttribute('aria-expanded', String(open));
}

/**
 * Wires the panels' buttons, the online tiles switch and the legends.
 * @param {import('maplibre-gl').Map} map
 */
export function wireControls(map) {
  initSheets();
  const alertsPanelEl = $('alerts-panel');
  const btnAlerts = $('btn-alerts');
  // On phones the alerts panel is a bottom sheet: always there as a
  // handle, and "open" means the sheet is expanded.
  /** @param {boolean} open */
  const setAlerts = (open) => {
    if (sheetMode()) {
      alertsPanelEl.hidden = false;
      setSheet(alertsPanelEl, open);
    } else {
      setPanel(alertsPanelEl, btnAlerts, open);
    }
    document.body.classList.toggle('alerts-hidden', !open);
  };
  onSheet((el, open) => {
    if (el === alertsPanelEl) btnAlerts.setAttribute('aria-expanded', String(open));
  });
  if (narrow) setAlerts(false);
  btnAlerts.addEventListener('click', () => setAlerts(sheetMode() ? !sheetOpen(alertsPanelEl) : alertsPanelEl.hidden));
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
