// Canvas-drawn map images: the aircraft icon (pointing north, rotated by
// the layer) and text labels rendered as images, so that the map needs no
// glyph server.

const RATIO = 2; // device pixels per CSS pixel for all images

/**
 * A canvas's 2D context; every browser the map runs in has one.
 * @param {HTMLCanvasElement} c
 * @returns {CanvasRenderingContext2D}
 */
function context2d(c) {
  const g = c.getContext('2d');
  if (!g) throw new Error('flightwatch: no 2D canvas');
  return g;
}

/**
 * @param {string} fill
 * @param {string} stroke
 * @returns {ImageData}
 */
function aircraftImage(fill, stroke) {
  const size = 28 * RATIO;
  const c = document.createElement('canvas');
  c.width = size;
  c.height = size;
  const g = context2d(c);
  g.scale(RATIO, RATIO);
  // A simple airliner silhouette in a 28×28 box, nose up.
  g.beginPath();
  g.moveTo(14, 1.5);
  g.quadraticCurveTo(16, 3, 16, 7);
  g.lineTo(16, 10.5);
  g.lineTo(26, 16.5);
  g.lineTo(26, 19);
  g.lineTo(16, 16);
  g.lineTo(15.6, 22);
  g.lineTo(19, 24.5);
  g.lineTo(19, 26.5);
  g.lineTo(14, 25.2);
  g.lineTo(9, 26.5);
  g.lineTo(9, 24.5);
  g.lineTo(12.4, 22);
  g.lineTo(12, 16);
  g.lineTo(2, 19);
  g.lineTo(2, 16.5);
  g.lineTo(12, 10.5);
  g.lineTo(12, 7);
  g.quadraticCurveTo(12, 3, 14, 1.5);
  g.closePath();
  g.fillStyle = fill;
  g.fill();
  g.lineWidth = 1.4;
  g.strokeStyle = stroke;
  g.stroke();
  return g.getImageData(0, 0, size, size);
}

/**
 * Adds the aircraft icons "aircraft" and "aircraft-watched" to the map.
 * @param {import('maplibre-gl').Map} map
 */
export function addAircraftIcons(map) {
  if (!map.hasImage('aircraft')) {
    map.addImage('aircraft', aircraftImage('#7dd3fc', '#0b1420'), { pixelRatio: RATIO });
  }
  if (!map.hasImage('aircraft-watched')) {
    map.addImage('aircraft-watched', aircraftImage('#f59e0b', '#1a0f00'), { pixelRatio: RATIO });
  }
}

/** Prefix of label image ids: the rest of the id is the label's text. */
export const LABEL_PREFIX = 'lbl:';

/**
 * @param {string} text
 * @param {boolean} watched
 * @returns {ImageData}
 */
function labelImage(text, watched) {
  const font = `600 ${11 * RATIO}px system-ui, "DejaVu Sans", sans-serif`;
  const probe = context2d(document.createElement('canvas'));
  probe.font = font;
  const padX = 5 * RATIO;
  const w = Math.ceil(probe.measureText(text).width) + padX * 2;
  const h = 17 * RATIO;
  const c = document.createElement('canvas');
  c.width = w;
  c.height = h;
  const g = context2d(c);
  g.fillStyle = watched ? 'rgba(69, 40, 4, 0.92)' : 'rgba(11, 20, 32, 0.85)';
  g.strokeStyle = watched ? '#f59e0b' : '#2e4660';
  g.lineWidth = RATIO;
  const r = 4 * RATIO;
  g.beginPath();
  g.roundRect(RATIO / 2, RATIO / 2, w - RATIO, h - RATIO, r);
  g.fill();
  g.stroke();
  g.font = font;
  g.textBaseline = 'middle';
  g.fillStyle = watched ? '#fde68a' : '#e6edf5';
  g.fillText(text, padX, h / 2 + RATIO / 2);
  return g.getImageData(0, 0, w, h);
}

/**
 * Makes the map draw label images on demand: an icon-image of
 * "lbl:<text>" (or "lbl!:<text>" for a watched aircraft) becomes <text> in a
 * small box.
 * @param {import('maplibre-gl').Map} map
 */
export function installLabelImages(map) {
  map.on('styleimagemissing', (e) => {
    const id = e.id;
    if (!id.startsWith(LABEL_PREFIX) && !id.startsWith('lbl!:')) return;
    const watched = id.startsWith('lbl!:');
    const text = id.slice(watched ? 5 : LABEL_PREFIX.length);
    if (map.hasImage(id)) return;
    map.addImage(id, labelImage(text, watched), { pixelRatio: RATIO });
  });
}
