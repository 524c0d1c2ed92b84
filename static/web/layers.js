// Map sources and layers drawn over the basemap: report hexagons, planned
// routes, flown tracks, report points, alert markers and aircraft with labels.

import { addAircraftIcons } from './icons.js';
import { addCellLayers } from './cells.js';
import { ALERT_COLORS } from './alerts.js';
import { collection } from './util.js';

/** @returns {import('maplibre-gl').ExpressionSpecification} */
function alertColorExpr() {
  /** @type {any[]} */
  const expr = ['match', ['get', 'type']];
  for (const [k, v] of Object.entries(ALERT_COLORS)) expr.push(k, v);
  expr.push('#9fb0c4');
  return /** @type {import('maplibre-gl').ExpressionSpecification} */ (expr);
}

/**
 * Trail colours by altitude (feet), as tar1090 draws them: ground grey,
 * then orange, yellow, green, cyan, blue, violet with height.
 */
export const ALTITUDE_COLORS = /** @type {const} */ ([
  [0, '#ff5a1f'], [2000, '#ff9a1f'], [5000, '#ffd21f'], [10000, '#9be22d'],
  [20000, '#22d3a6'], [30000, '#38a8ff'], [40000, '#8b6cff'], [45000, '#e05cff'],
]);

/** @returns {import('maplibre-gl').ExpressionSpecification} */
function altitudeColorExpr() {
  /** @type {any[]} */
  const ramp = ['interpolate', ['linear'], ['get', 'alt_ft']];
  for (const [ft, color] of ALTITUDE_COLORS) ramp.push(ft, color);
  return /** @type {import('maplibre-gl').ExpressionSpecification} */ (/** @type {any} */ (['case', ['<', ['get', 'alt_ft'], 0], '#9aa4b1', ramp]));
}

/**
 * Adds the map's data sources and layers over the basemap, and the click
 * handlers of aircraft and hexagons.
 * @param {import('maplibre-gl').Map} map
 * @param {object} on
 * @param {(props: Record<string, any>, geometry: import('geojson').Geometry) => void} on.aircraftClick
 * @param {(props: Record<string, any>, lngLat: import('maplibre-gl').LngLat) => void} on.cellClick
 */
export function addLayers(map, on) {
  addAircraftIcons(map);
  addCellLayers(map);
  /** @returns {import('maplibre-gl').GeoJSONSourceSpecification} */
  const empty = () => ({ type: 'geojson', data: collection([]) });
  map.addSource('routes', empty());
  map.addSource('live-trails', empty());
  map.addSource('trails', empty());
  map.addSource('reports', empty());
  map.addSource('alert-points', empty());
  map.addSource('aircraft', empty());
  map.addLayer({
    id: 'routes',
    type: 'line',
    source: 'routes',
    layout: { 'line-cap': 'round' },
    paint: { 'line-color': '#c4b5fd', 'line-width': 2, 'line-opacity': 0.85, 'line-dasharray': [2, 2] },
  });
  // The live trails of every aircraft, in altitude colours, under the
  // watched aircraft's stored-track trails.
  map.addLayer({
    id: 'live-trails',
    type: 'line',
    source: 'live-trails',
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': altitudeColorExpr(), 'line-width': 1.6, 'line-opacity': 0.85 },
  });
  map.addLayer({
    id: 'trails',
    type: 'line',
    source: 'trails',
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': '#f59e0b', 'line-width': 2.5, 'line-opacity': 0.9 },
  });
  map.addLayer({
    id: 'reports',
    type: 'circle',
    source: 'reports',
    minzoom: 6,
    paint: { 'circle-radius': 4, 'circle-color': '#fb923c', 'circle-stroke-color': '#0b1420', 'circle-stroke-width': 1 },
  });
  map.addLayer({
    id: 'alert-points',
    type: 'circle',
    source: 'alert-points',
    paint: {
      'circle-radius': 7,
      'circle-color': 'rgba(0,0,0,0)',
      'circle-stroke-color': alertColorExpr(),
      'circle-stroke-width': 2,
    },
  });
  // A ring around the selected aircraft (its filter names the hex).
  map.addLayer({
    id: 'aircraft-selected',
    type: 'circle',
    source: 'aircraft',
    filter: ['==', ['get', 'hex'], ''],
    paint: { 'circle-radius': 15, 'circle-color': 'rgba(56,189,248,0.18)', 'circle-stroke-color': '#38bdf8', 'circle-stroke-width': 2 },
  });
  map.addLayer({
    id: 'aircraft',
    type: 'symbol',
    source: 'aircraft',
    layout: {
      'icon-image': ['case', ['get', 'watched'], 'aircraft-watched', 'aircraft'],
      'icon-size': ['case', ['get', 'watched'], 1.15, 0.85],
      'icon-rotate': ['get', 'track'],
      'icon-rotation-alignment': 'map',
      'icon-allow-overlap': true,
      'icon-ignore-placement': true,
      'symbol-sort-key': ['case', ['get', 'watched'], 1, 0],
    },
  });
  map.addLayer({
    id: 'aircraft-labels',
    type: 'symbol',
    source: 'aircraft',
    filter: ['any', ['get', 'watched'], ['>=', ['zoom'], 5]],
    layout: {
      'icon-image': ['concat', ['case', ['get', 'watched'], 'lbl!:', 'lbl:'], ['to-string', ['get', 'label']]],
      'icon-anchor': 'left',
      'icon-offset': [14, 0],
      'icon-allow-overlap': false,
      'symbol-sort-key': ['case', ['get', 'watched'], 0, 1],
    },
  });

  map.on('click', 'aircraft', (e) => {
    const f = e.features && e.features[0];
    if (f) on.aircraftClick(f.properties, f.geometry);
  });
  map.on('click', 'cells', (e) => {
    if (map.queryRenderedFeatures(e.point, { layers: ['aircraft'] }).length) return;
    const f = e.features && e.features[0];
    if (!f) return;
    on.cellClick(f.properties, e.lngLat);
  });
  for (const layer of ['aircraft', 'cells']) {
    map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; });
  }
}
