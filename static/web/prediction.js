// Predicted destinations of airborne watched flights: a dotted line from
// each aircraft to the field its leg is predicted to reach, and a popup
// with the field, the basis of the prediction and its confidence.
//
// The legs come from GET /api/v1/flights?status=airborne (polled), the
// fields' positions from GET /api/v1/airports/{ident} (cached), and the
// aircraft positions from the live aircraft map the stream keeps, so the
// lines follow the aircraft between polls.

import { esc, fetchJSON, collection, setSourceData } from './util.js';

const SOURCE = 'predictions';
export const PREDICTION_LAYER = 'prediction-lines';
const FIELD_LAYER = 'prediction-fields';

/** @type {Record<string, string>} */
const BASIS_TEXT = {
  plan: 'its flight plan',
  history: "the airframe's earlier flights",
  route: 'the callsign route table',
  course: 'the course it holds (low confidence by design)',
};

/**
 * Returns the popup text of a prediction: field, basis and confidence.
 * @param {Record<string, any>} p a prediction line's properties
 * @returns {{ field: string, basis: string, confidence: string }}
 */
export function predictionText(p) {
  const pct = Number.isFinite(Number(p.confidence)) ? `${Math.round(Number(p.confidence) * 100)}%` : '—';
  const field = p.name ? `${p.dest} (${p.name})` : p.dest;
  return { field, basis: BASIS_TEXT[p.basis] || p.basis || '—', confidence: pct };
}

/** @typedef {import('geojson').Feature<import('geojson').LineString | import('geojson').Point, Record<string, any>>} Leg */

export class Predictions {
  /**
   * @param {import('maplibre-gl').Map} map the MapLibre map (after its load event)
   * @param {object} opts
   * @param {Map<string, { geometry: import('geojson').Point }>} opts.aircraft hex → live aircraft Feature
   * @param {number} [opts.interval] poll interval of the airborne legs, ms
   * @param {(err: Error) => void} [opts.onError]
   */
  constructor(map, { aircraft, interval = 10000, onError = () => {} }) {
    this.map = map;
    this.aircraft = aircraft;
    this.interval = interval;
    this.onError = onError;
    /** @type {Leg[]} airborne watched legs with a prediction */
    this.legs = [];
    /** @type {Map<string, { lon: number, lat: number, name: string } | null>} ident → position, null when unknown */
    this.fields = new Map();
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.timer = undefined;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.redraw = undefined;
    /** @type {import('geojson').Feature<import('geojson').LineString | import('geojson').Point, Record<string, any>>[]} what the last render drew */
    this.features = [];
    /** @type {string} what the map was last given, as a comparable key */
    this.drawn = '';
    this.count = 0; // lines among them
  }

  /** Adds the layers and starts polling once the map has settled (its
   * first idle event, or 20 s at the latest), so that the first view
   * renders undisturbed. */
  start() {
    let started = false;
    const begin = () => {
      if (started) return;
      started = true;
      this.addLayers();
      this.poll();
      this.timer = setInterval(() => this.poll(), this.interval);
      this.redraw = setInterval(() => this.render(), 5000);
    };
    if (document.body.dataset.mapIdle === '1') begin();
    else {
      this.map.once('idle', begin);
      setTimeout(begin, 20000);
    }
  }

  addLayers() {
    const map = this.map;
    map.addSource(SOURCE, { type: 'geojson', data: collection([]) });
    // Below the aircraft icons when they are there.
    const below = map.getLayer('aircraft') ? 'aircraft' : undefined;
    map.addLayer({
      id: PREDICTION_LAYER,
      type: 'line',
      source: SOURCE,
      filter: ['==', ['geometry-type'], 'LineString'],
      layout: { 'line-cap': 'round' },
      paint: {
        'line-color': ['match', ['get', 'basis'], 'plan', '#1f6feb', 'history', '#8250df', 'route', '#bf3989', '#6e7781'],
        'line-width': 2,
        'line-dasharray': [0.1, 2],
        'line-opacity': ['+', 0.35, ['*', 0.65, ['get', 'confidence']]],
      },
    }, below);
    map.addLayer({
      id: FIELD_LAYER,
      type: 'circle',
      source: SOURCE,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-radius': 4, 'circle-color': '#ffffff', 'circle-stroke-color': '#8250df', 'circle-stroke-width': 2 },
    }, below);
    // Thin dotted lines are hard to hit: a click within a few pixels counts.
    map.on('click', (e) => {
      const { x, y } = e.point;
      const hits = map.queryRenderedFeatures([[x - 6, y - 6], [x + 6, y + 6]], { layers: [FIELD_LAYER, PREDICTION_LAYER] });
      const f = hits[0];
      if (!f) return;
      const t = predictionText(f.properties);
      new window.maplibregl.Popup({ maxWidth: '280px' })
        .setLngLat(e.lngLat)
        .setHTML(`<div class="popup"><h3>${esc(f.properties.label)} → ${esc(f.properties.dest)}</h3><dl>` +
          `<dt>Predicted</dt><dd>${esc(t.field)}</dd><dt>From</dt><dd>${esc(t.basis)}</dd>` +
          `<dt>Confidence</dt><dd>${esc(t.confidence)}</dd></dl></div>`)
        .addTo(map);
    });
    for (const id of [PREDICTION_LAYER, FIELD_LAYER]) {
      map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
      map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
    }
  }

  async poll() {
    try {
      const fc = await fetchJSON('/api/v1/flights?status=airborne');
      /** @type {Leg[]} */
      const all = (fc && fc.features) || [];
      const legs = all.filter((f) => f.properties && f.properties.watch && f.properties.predicted_destination);
      await Promise.all([...new Set(legs.map((f) => f.properties.predicted_destination))].map((id) => this.field(id)));
      this.legs = legs;
      this.render();
    } catch (err) {
      this.onError(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * The position and name of an airport, read once.
   * @param {string} ident
   */
  async field(ident) {
    if (this.fields.has(ident)) return this.fields.get(ident);
    /** @type {{ lon: number, lat: number, name: string } | null} */
    let v = null;
    try {
      const f = await fetchJSON(`/api/v1/airports/${encodeURIComponent(ident)}`);
      if (f && f.geometry) v = { lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1], name: f.properties.name };
    } catch { /* unknown field: no line */ }
    this.fields.set(ident, v);
    return v;
  }

  render() {
    /** @type {import('geojson').Feature<import('geojson').LineString | import('geojson').Point, Record<string, any>>[]} */
    const out = [];
    const fieldsShown = new Set();
    for (const leg of this.legs) {
      const p = leg.properties;
      const fld = this.fields.get(p.predicted_destination);
      if (!fld) continue;
      const live = this.aircraft.get(String(p.hex));
      let from = live && live.geometry ? live.geometry.coordinates : null;
      const g = leg.geometry;
      if (!from && g) from = g.type === 'LineString' ? g.coordinates[g.coordinates.length - 1] : g.coordinates;
      if (!from) continue;
      const props = {
        hex: p.hex, label: p.callsign || p.hex, dest: p.predicted_destination, name: fld.name,
        basis: p.predicted_basis, confidence: Number(p.predicted_confidence) || 0,
      };
      out.push({ type: 'Feature', id: p.id, properties: props, geometry: { type: 'LineString', coordinates: [from, [fld.lon, fld.lat]] } });
      if (!fieldsShown.has(props.dest)) {
        fieldsShown.add(props.dest);
        out.push({ type: 'Feature', properties: props, geometry: { type: 'Point', coordinates: [fld.lon, fld.lat] } });
      }
    }
    // Only hand the map new data when something moved: a GeoJSON update
    // costs the map a worker round trip and a repaint.
    const key = JSON.stringify(out.map((f) => [f.properties.hex, f.properties.dest, f.properties.confidence,
      f.geometry.coordinates.flat().map((/** @type {number} */ c) => Math.round(c * 100))]));
    this.features = out;
    this.count = out.filter((f) => f.geometry.type === 'LineString').length;
    if (key === this.drawn) return;
    this.drawn = key;
    setSourceData(this.map, SOURCE, collection(out));
  }
}
