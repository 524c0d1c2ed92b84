// The map's popups: an aircraft's details, an alert whose aircraft is not
// live, and a report hexagon's count and sources.

import { cellPopupHTML } from './cells.js';
import { fmtEventTime, fmtMessage } from './state.js';
import { esc } from './util.js';

/** @typedef {import('./state.js').AircraftFeature} AircraftFeature */

/**
 * A number with its unit, or a dash when unknown.
 * @param {unknown} v
 * @param {string} unit
 * @returns {string}
 */
export function fmtNum(v, unit) {
  const n = Number(v);
  return v === undefined || v === null || v === '' || !Number.isFinite(n) ? '—' : `${Math.round(n).toLocaleString('en')} ${unit}`;
}

/**
 * The rows of an aircraft's popup: [label, value] for each known property.
 * @param {Record<string, any>} p aircraft properties
 * @returns {Array<[string, any]>}
 */
export function aircraftRows(p) {
  let tags = p.tags;
  if (typeof tags === 'string') { try { tags = JSON.parse(tags); } catch { tags = [tags]; } }
  /** @type {Array<[string, any]>} */
  const rows = [
    ['Hex', p.hex], ['Callsign', p.callsign], ['Reg', p.reg], ['Type', p.type],
    ['Altitude', p.on_ground === true || p.on_ground === 'true' ? 'on ground' : fmtNum(p.alt_ft, 'ft')],
    ['Speed', fmtNum(p.gs_kt, 'kt')], ['Track', fmtNum(p.track, '°')], ['Phase', p.phase],
    ['Seen', p.seen || p.time ? fmtEventTime(p.seen || p.time) : ''],
    ['Squawk', p.squawk], ['Military', p.military === true || p.military === 'true' ? 'yes' : ''],
    ['Watch', p.watch], ['Tags', Array.isArray(tags) ? tags.join(', ') : ''],
  ];
  return rows.filter(([, v]) => v !== undefined && v !== null && v !== '');
}

/**
 * Opens the popup of an aircraft at its position.
 * @param {import('maplibre-gl').Map} map
 * @param {{ geometry: import('geojson').Geometry, properties: Record<string, any> }} f
 */
export function showAircraftPopup(map, f) {
  const p = f.properties;
  if (f.geometry.type !== 'Point') return;
  const [lon, lat] = f.geometry.coordinates;
  new window.maplibregl.Popup({ maxWidth: '280px', offset: 12 })
    .setLngLat([lon, lat])
    .setHTML(`<div class="popup"><h3>${esc(p.label)}</h3><dl>${aircraftRows(p).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></div>`)
    .addTo(map);
}

/**
 * Opens the popup of an alert whose aircraft is not on the map.
 * @param {import('maplibre-gl').Map} map
 * @param {import('maplibre-gl').LngLatLike} at
 * @param {Record<string, any>} p alert properties
 */
export function showAlertPopup(map, at, p) {
  new window.maplibregl.Popup({ maxWidth: '280px' })
    .setLngLat(at)
    .setHTML(`<div class="popup"><h3>${esc(p.callsign || p.hex || 'Alert')}</h3><div>${esc(fmtMessage(p.message))}</div><dl><dt>Time</dt><dd>${esc(fmtEventTime(p.time))}</dd></dl></div>`)
    .addTo(map);
}

/**
 * Opens the popup of a report hexagon where it was clicked.
 * @param {import('maplibre-gl').Map} map
 * @param {import('maplibre-gl').LngLatLike} at
 * @param {Record<string, any>} props cell properties
 */
export function showCellPopup(map, at, props) {
  new window.maplibregl.Popup({ maxWidth: '300px' }).setLngLat(at).setHTML(cellPopupHTML(props)).addTo(map);
}
