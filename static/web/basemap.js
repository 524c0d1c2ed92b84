// Offline basemap: Natural Earth country outlines bundled with the binary,
// drawn over an ocean background. No remote tiles, no glyphs: the style has no
// text layers. Optional online raster tiles can be switched on at run time.

const ONLINE_TILES = {
  id: 'online-tiles',
  url: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  attribution: '© OpenStreetMap contributors',
};

/** Returns the inline MapLibre style of the offline basemap. */
export function baseStyle() {
  return {
    version: 8,
    name: 'flightwatch-offline',
    sources: {
      countries: {
        type: 'geojson',
        data: 'data/countries-110m.geojson',
        attribution: 'Country outlines: Natural Earth (public domain)',
      },
    },
    layers: [
      { id: 'ocean', type: 'background', paint: { 'background-color': '#0a1a2b' } },
      {
        id: 'land',
        type: 'fill',
        source: 'countries',
        paint: { 'fill-color': '#1b2a3a', 'fill-antialias': true },
      },
      {
        id: 'borders',
        type: 'line',
        source: 'countries',
        paint: {
          'line-color': '#3b526b',
          'line-width': ['interpolate', ['linear'], ['zoom'], 1, 0.4, 6, 1.2],
        },
      },
    ],
  };
}

/**
 * Shows or hides the optional online raster tiles under the country borders.
 * They are never loaded unless switched on.
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
      'borders',
    );
  } else if (!on && map.getSource(layerId)) {
    map.removeLayer(layerId);
    map.removeSource(layerId);
  }
}
