// Offline basemap: vector tiles drawn by the binary itself
// (/tiles/basemap/{z}/{x}/{y}.mvt: land, lakes, countries and their borders,
// US states and counties, populated places, airports) with label glyphs it also
// serves (/fonts/...). Nothing is fetched from elsewhere unless the optional
// online raster tiles are switched on.

const ONLINE_TILES = {
  id: 'online-tiles',
  url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  attribution: '© OpenStreetMap contributors',
};

const FONT = ['Noto Sans Regular'];
const FONT_BOLD = ['Noto Sans Bold'];

const COLORS = {
  ocean: '#0a1a2b',
  lake: '#0c1e31',
  land: '#1b2a3a',
  coast: '#2a3f55',
  border: '#4f6a86',
  state: '#3b526b',
  county: '#2b3e52',
  place: '#c9d6e3',
  placeHalo: '#0a1a2b',
  airport: '#8fb3d9',
};

// Absolute URLs: MapLibre resolves tile and glyph templates against the
// page only when they are absolute.
function origin() {
  return typeof window !== 'undefined' && window.location ? window.location.origin : '';
}

/** Returns the MapLibre style of the offline vector basemap. */
export function baseStyle() {
  const base = origin();
  return {
    version: 8,
    name: 'flightwatch-offline',
    glyphs: `${base}/fonts/{fontstack}/{range}.pbf`,
    sources: {
      basemap: {
        type: 'vector',
        tiles: [`${base}/tiles/basemap/{z}/{x}/{y}.mvt`],
        minzoom: 0,
        maxzoom: 14,
        attribution: 'Natural Earth, US Census (us-atlas), GeoNames (CC BY 4.0), OurAirports',
      },
    },
    layers: [
      { id: 'ocean', type: 'background', paint: { 'background-color': COLORS.ocean } },
      {
        id: 'land',
        type: 'fill',
        source: 'basemap',
        'source-layer': 'land',
        paint: { 'fill-color': COLORS.land, 'fill-antialias': true },
      },
      {
        id: 'coast',
        type: 'line',
        source: 'basemap',
        'source-layer': 'land',
        paint: {
          'line-color': COLORS.coast,
          'line-width': ['interpolate', ['linear'], ['zoom'], 2, 0.3, 8, 1],
        },
      },
      {
        id: 'lakes',
        type: 'fill',
        source: 'basemap',
        'source-layer': 'lakes',
        paint: { 'fill-color': COLORS.lake, 'fill-outline-color': COLORS.coast, 'fill-antialias': true },
      },
      {
        id: 'counties',
        type: 'line',
        source: 'basemap',
        'source-layer': 'states',
        minzoom: 7,
        filter: ['==', ['get', 'kind'], 'county'],
        paint: {
          'line-color': COLORS.county,
          'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.4, 12, 1],
          'line-dasharray': [3, 2],
        },
      },
      {
        id: 'states',
        type: 'line',
        source: 'basemap',
        'source-layer': 'states',
        minzoom: 3,
        filter: ['==', ['get', 'kind'], 'state'],
        paint: {
          'line-color': COLORS.state,
          'line-width': ['interpolate', ['linear'], ['zoom'], 3, 0.5, 8, 1.4],
        },
      },
      {
        id: 'borders',
        type: 'line',
        source: 'basemap',
        'source-layer': 'boundaries',
        paint: {
          'line-color': COLORS.border,
          'line-width': ['interpolate', ['linear'], ['zoom'], 1, 0.6, 6, 1.6],
        },
      },
      {
        id: 'airport-dots',
        type: 'circle',
        source: 'basemap',
        'source-layer': 'airports',
        paint: {
          'circle-color': COLORS.ocean,
          'circle-stroke-color': COLORS.airport,
          'circle-stroke-width': 1.2,
          'circle-radius': ['match', ['get', 'size'], 'large', 4, 'medium', 3, 2.2],
        },
      },
      {
        id: 'place-labels',
        type: 'symbol',
        source: 'basemap',
        'source-layer': 'places',
        layout: {
          'text-field': ['get', 'name'],
          'text-font': ['step', ['get', 'pop'], ['literal', FONT], 1000000, ['literal', FONT_BOLD]],
          'text-size': ['interpolate', ['linear'], ['get', 'pop'], 1000, 10, 100000, 12, 1000000, 14],
          'symbol-sort-key': ['-', 0, ['get', 'pop']],
          'text-max-width': 8,
          'text-padding': 3,
        },
        paint: {
          'text-color': COLORS.place,
          'text-halo-color': COLORS.placeHalo,
          'text-halo-width': 1.4,
          'text-opacity': 0.9,
        },
      },
      {
        id: 'airport-labels',
        type: 'symbol',
        source: 'basemap',
        'source-layer': 'airports',
        layout: {
          'text-field': ['step', ['zoom'],
            ['coalesce', ['get', 'iata'], ['get', 'ident']],
            9, ['concat', ['get', 'name'], '\n', ['get', 'ident']]],
          'text-font': ['literal', FONT],
          'text-size': ['match', ['get', 'size'], 'large', 11, 10],
          'text-anchor': 'top',
          'text-offset': [0, 0.6],
          'text-max-width': 10,
          'symbol-sort-key': ['match', ['get', 'size'], 'large', 0, 'medium', 1, 2],
        },
        paint: {
          'text-color': COLORS.airport,
          'text-halo-color': COLORS.placeHalo,
          'text-halo-width': 1.2,
        },
      },
    ],
  };
}

/**
 * Moves the map to the deployment's opening view ({center: [lon, lat],
 * zoom} from /api/v1/meta's "map"); an invalid view is ignored.
 * @param {import('maplibre-gl').Map} map
 * @param {{center?: unknown, zoom?: unknown} | null | undefined} view
 */
export function openView(map, view) {
  if (!view || !Array.isArray(view.center) || view.center.length !== 2) return;
  const [lon, lat] = view.center.map(Number);
  const zoom = Number(view.zoom);
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || !Number.isFinite(zoom)) return;
  map.jumpTo({ center: [lon, lat], zoom });
}

/**
 * Shows or hides the optional online raster tiles under the borders and
 * labels. They are never loaded unless switched on.
 * @param {import('maplibre-gl').Map} map
 * @param {boolean} on
 */
export function setOnlineTiles(map, on) {
  const layerId = ONLINE_TILES.id;
  if (on && !map.getSource(layerId)) {
    map.addSource(layerId, {
      type: 'raster',
      tiles: [ONLINE_TILES.url],
      tileSize: 256,
      maxzoom: 19,
      attribution: ONLINE_TILES.attribution,
    });
    map.addLayer(
      { id: layerId, type: 'raster', source: layerId, paint: { 'raster-opacity': 0.55, 'raster-saturation': -0.6 } },
      'counties',
    );
  } else if (!on && map.getSource(layerId)) {
    map.removeLayer(layerId);
    map.removeSource(layerId);
  }
}
