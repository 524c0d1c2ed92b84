// The map's live state, shared by its modules: the aircraft and report
// points the stream has sent, counters the browser test reads, the demo's
// scenario clock, and the batched redraw of the map's sources.

import { fmtTime } from './util.js';

/**
 * A live aircraft as the map holds it: the stream's feature with its hex
 * as id and the label and watched properties the layers style by.
 * @typedef {object} AircraftFeature
 * @property {'Feature'} type
 * @property {string} id the hex, lower case
 * @property {import('geojson').Point} geometry
 * @property {Record<string, any>} properties
 */

/** Counters of what the stream has delivered (read by the browser test). */
export const stats = { wsMessages: 0, aircraftUpdates: 0, alerts: 0, snapshots: 0, resumes: 0 };

/** @type {Map<string, AircraftFeature>} live aircraft by hex */
export const aircraft = new Map();

/** @type {Map<string, import('geojson').Feature>} report points by report id */
export const reports = new Map();

const MAX_REPORT_POINTS = 5000;

/**
 * Keeps the report points of an update (the newest MAX_REPORT_POINTS).
 * @param {import('geojson').Feature[]} features
 */
export function addReports(features) {
  for (const f of features) {
    const id = (f.properties && f.properties.id) || f.id;
    if (id === undefined || !f.geometry) continue;
    reports.set(String(id), f);
  }
  while (reports.size > MAX_REPORT_POINTS) {
    const oldest = reports.keys().next().value;
    if (oldest === undefined) break;
    reports.delete(oldest);
  }
  markDirty('reports');
}

// ---- the demo's scenario clock ----------------------------------------------

/**
 * The demo's scenario clock from /api/v1/meta: scenario time is
 * start + (wall − passStart) × speed, times in Unix milliseconds; passes
 * are the starts of the passes known (oldest first, the current one last).
 * @typedef {{ pass: number, start: number, passStart: number, speed: number, passes: number[] }} Scenario
 */

/** @type {Scenario | null} null outside the demo */
let scenario = null;

/** @returns {Scenario | null} the scenario clock, null outside the demo */
export function currentScenario() {
  return scenario;
}

/**
 * Sets the scenario clock from meta's scenario object; it reports whether
 * the object was a valid scenario (anything else leaves the clock as it is).
 * Pass starts seen before are kept.
 * @param {{ pass: number, start: string, pass_start: string, speed: number, passes?: string[] } | null | undefined} sc
 * @returns {boolean}
 */
export function setScenario(sc) {
  if (!sc) return false;
  const start = Date.parse(sc.start);
  const passStart = Date.parse(sc.pass_start);
  const speed = Number(sc.speed);
  if (!Number.isFinite(start) || !Number.isFinite(passStart) || !(speed > 0)) return false;
  const known = new Set(scenario ? scenario.passes : []);
  for (const p of Array.isArray(sc.passes) ? sc.passes : []) {
    const t = Date.parse(p);
    if (Number.isFinite(t)) known.add(t);
  }
  known.add(passStart);
  const passes = [...known].filter((t) => t <= passStart).sort((a, b) => a - b);
  scenario = { pass: sc.pass, start, passStart, speed, passes };
  return true;
}

/**
 * The start of the pass a stored time belongs to: the latest known pass
 * begun at or before it (the oldest known one for a time before them all).
 * @param {Scenario} sc
 * @param {number} w Unix ms
 * @returns {number}
 */
export function passStartOf(sc, w) {
  const ps = sc.passes && sc.passes.length ? sc.passes : [sc.passStart];
  let best = ps[0];
  for (const p of ps) if (p <= w) best = p;
  return best;
}

/**
 * The scenario time of a wall-clock time, or null outside the demo: in the
 * demo every stored time is a scenario time replayed in some pass, and is
 * placed in the pass it belongs to.
 * @param {Date | number | string} wall
 * @returns {Date | null}
 */
export function scenarioTime(wall) {
  if (!scenario) return null;
  const w = wall instanceof Date ? wall.getTime() : typeof wall === 'number' ? wall : Date.parse(wall);
  if (!Number.isFinite(w)) return null;
  return new Date(scenario.start + (w - passStartOf(scenario, w)) * scenario.speed);
}

/**
 * Times as the map shows them: in the demo the scenario time (January
 * 2025) with "(scenario)", otherwise the UTC wall-clock time.
 * @param {string | number | Date} t RFC 3339, Unix ms or a Date
 * @returns {string}
 */
export function fmtEventTime(t) {
  const st = scenarioTime(t);
  if (st) return `${fmtTime(st)} (scenario)`;
  return fmtTime(t);
}

const RFC3339 = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})/g;

/**
 * An alert's message with the times it quotes (RFC 3339, as the server
 * writes them, e.g. a plan's "due" time) shown as the map shows times.
 * @param {unknown} msg
 * @returns {string}
 */
export function fmtMessage(msg) {
  const s = String(msg ?? '');
  if (!scenario) return s;
  return s.replace(RFC3339, (m) => fmtEventTime(m) || m);
}

// ---- batched source updates ---------------------------------------------------

/** @typedef {'aircraft' | 'trails' | 'live-trails' | 'reports' | 'alerts'} Dirty */

/** @type {Set<Dirty>} */
const dirty = new Set();
/** @type {ReturnType<typeof setTimeout> | null} */
let flushTimer = null;
/** @type {(what: Set<Dirty>) => boolean} */
let flusher = () => false;

/**
 * Sets what redraws the map's sources: it gets the sources changed since
 * the last redraw and answers false when the map cannot take them yet
 * (they are kept for the next redraw).
 * @param {(what: Set<Dirty>) => boolean} fn
 */
export function onFlush(fn) {
  flusher = fn;
}

/**
 * Marks a source changed; changes are drawn together, 200 ms after the first.
 * @param {Dirty} what
 */
export function markDirty(what) {
  dirty.add(what);
  if (!flushTimer) flushTimer = setTimeout(flush, 200);
}

function flush() {
  flushTimer = null;
  if (flusher(dirty)) dirty.clear();
}

// ---- selection and viewed time, shared by the table, panel and history ------

/** @type {string | null} the selected aircraft's hex, null when none */
let selected = null;
/** @type {Set<(hex: string | null) => void>} */
const selectListeners = new Set();

/** @returns {string | null} the selected aircraft's hex, null when none */
export function selectedHex() {
  return selected;
}

/**
 * Selects an aircraft by hex (null clears the selection) and tells every
 * listener; selecting the selected aircraft again does nothing.
 * @param {string | null} hex
 */
export function selectAircraft(hex) {
  const h = hex ? hex.toLowerCase() : null;
  if (h === selected) return;
  selected = h;
  for (const fn of selectListeners) fn(h);
}

/**
 * Calls fn with the hex (or null) whenever the selection changes.
 * @param {(hex: string | null) => void} fn
 * @returns {() => void} a function that removes the listener
 */
export function onSelect(fn) {
  selectListeners.add(fn);
  return () => selectListeners.delete(fn);
}

/** @type {number | null} the viewed time in Unix ms, null when live */
let viewed = null;
/** @type {Set<(t: number | null) => void>} */
const timeListeners = new Set();

/** @returns {number | null} the viewed time in Unix ms, null when live */
export function viewTime() {
  return viewed;
}

/**
 * Sets the viewed time (Unix ms; null goes back to live) and tells every
 * listener.
 * @param {number | null} t
 */
export function setViewTime(t) {
  const v = t === null || !Number.isFinite(t) ? null : t;
  if (v === viewed) return;
  viewed = v;
  for (const fn of timeListeners) fn(v);
}

/**
 * Calls fn with the viewed time whenever it changes.
 * @param {(t: number | null) => void} fn
 * @returns {() => void} a function that removes the listener
 */
export function onViewTime(fn) {
  timeListeners.add(fn);
  return () => timeListeners.delete(fn);
}
