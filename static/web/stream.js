// Websocket client for /api/v1/stream: subscribes to a viewport, reconnects
// with exponential backoff and resumes from the last epoch and offset it saw.
// It asks for the compact delta format and hands on the same messages the
// GeoJSON format carries, with whole features, so callers see one shape.

/**
 * A server message (see stream/doc.go) as Stream hands it on: aircraft
 * updates always carry a FeatureCollection.
 * @typedef {object} StreamMessage
 * @property {'snapshot' | 'update' | 'remove' | 'alert' | 'resumed' | 'error'} type
 * @property {'aircraft' | 'reports' | 'cells'} [layer] snapshot: aircraft or cells; update: aircraft, reports or cells; remove: aircraft
 * @property {any} [data] a FeatureCollection (snapshot, update), a Feature (alert), delta items (update, format delta)
 * @property {Array<string>} [ids] remove: aircraft hexes
 * @property {string} [format] 'delta' on a delta update
 * @property {string} [epoch]
 * @property {number} [offset]
 * @property {number} [missed] resumed: batches replayed
 * @property {string} [error] error: what was wrong
 */

/**
 * A delta item: an aircraft's id and the properties that changed; c is
 * [lon, lat], f marks a full item.
 * @typedef {{ id: string, f?: number, c?: [number, number], [key: string]: any }} DeltaItem
 */

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30000;

export class Stream {
  /**
   * @param {object} opts
   * @param {string} opts.url websocket URL
   * @param {string[]} opts.layers layers to subscribe to
   * @param {(msg: StreamMessage) => void} opts.onMessage called for every message
   * @param {(state: 'connecting'|'connected'|'disconnected', detail?: string) => void} opts.onState
   * @param {'delta'|'geojson'} [opts.format] wire format of aircraft updates (default delta)
   */
  constructor({ url, layers, onMessage, onState, format = 'delta' }) {
    this.url = url;
    this.layers = layers;
    this.format = format;
    this.decoder = new DeltaDecoder();
    this.onMessage = onMessage;
    this.onState = onState;
    /** @type {number[] | null} */
    this.bbox = null;
    /** @type {WebSocket | null} */
    this.ws = null;
    /** @type {string | null} */
    this.epoch = null;
    /** @type {number | null} */
    this.offset = null;
    this.attempt = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.closed = false;
  }

  /** Opens the connection; it is reopened after every loss until close(). */
  start() {
    this.closed = false;
    this.connect();
  }

  /** Closes the connection for good. */
  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.ws) this.ws.close(1000, 'closing');
  }

  /**
   * Changes the viewport; sent at once when connected, else on connect.
   * @param {number[]} bbox [minLon, minLat, maxLon, maxLat]
   */
  subscribe(bbox) {
    this.bbox = bbox;
    this.sendSubscribe(false);
  }

  connect() {
    this.onState('connecting');
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      this.retry(String(err));
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.onState('connected');
      this.sendSubscribe(true);
    };
    ws.onmessage = (ev) => {
      /** @type {StreamMessage} */
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        console.warn('flightwatch: websocket message is not JSON');
        return;
      }
      if (typeof msg.epoch !== 'undefined' && msg.epoch !== null) {
        if (msg.epoch !== this.epoch) this.offset = null;
        this.epoch = msg.epoch;
      }
      if (typeof msg.offset === 'number') this.offset = msg.offset;
      this.onMessage(this.decoder.decode(msg));
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closed) {
        this.onState('disconnected', 'closed');
        return;
      }
      this.retry(ev.reason || '');
    };
    // Errors are followed by close; nothing to do here but keep the console quiet.
    ws.onerror = () => {};
  }

  /** @param {string} reason */
  retry(reason) {
    this.onState('disconnected', reason);
    const base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt = Math.min(this.attempt + 1, 16);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  /** @param {boolean} withResume ask to resume from the last epoch and offset */
  sendSubscribe(withResume) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || !this.bbox) return;
    /** @type {{ op: 'subscribe', bbox: number[], layers: string[], format?: string, resume?: { epoch: string, offset: number } }} */
    const msg = { op: 'subscribe', bbox: this.bbox, layers: this.layers };
    if (this.format === 'delta') msg.format = 'delta';
    if (withResume && this.epoch !== null && this.offset !== null) {
      msg.resume = { epoch: this.epoch, offset: this.offset };
    }
    this.ws.send(JSON.stringify(msg));
  }
}

/**
 * Turns delta-format aircraft updates back into GeoJSON messages. It keeps
 * the aircraft it has been sent (from snapshots, full items and deltas) and
 * merges each delta item into its feature; other messages pass through,
 * and snapshots and removes also update what it keeps.
 */
export class DeltaDecoder {
  constructor() {
    /** @type {Map<string, import('geojson').Feature<import('geojson').Point, Record<string, any>>>} aircraft features by id */
    this.aircraft = new Map();
  }

  /**
   * @param {StreamMessage} msg a server message
   * @returns {StreamMessage} the message with delta data as a FeatureCollection
   */
  decode(msg) {
    if (!msg || (msg.layer && msg.layer !== 'aircraft')) return msg;
    if (msg.type === 'snapshot') {
      this.aircraft.clear();
      for (const f of (msg.data && msg.data.features) || []) this.aircraft.set(String(f.id), f);
      return msg;
    }
    if (msg.type === 'remove') {
      for (const id of msg.ids || []) this.aircraft.delete(String(id));
      return msg;
    }
    if (msg.type !== 'update') return msg;
    if (msg.format !== 'delta') {
      for (const f of (msg.data && msg.data.features) || []) this.aircraft.set(String(f.id), f);
      return msg;
    }
    const features = [];
    for (const item of Array.isArray(msg.data) ? msg.data : []) {
      const f = this.apply(item);
      if (f) features.push(f);
    }
    const out = { ...msg, data: { type: 'FeatureCollection', features } };
    delete out.format;
    return out;
  }

  /**
   * Merges one delta item; returns the whole feature, or null when it cannot.
   * @param {DeltaItem} item
   * @returns {import('geojson').Feature<import('geojson').Point, Record<string, any>> | null}
   */
  apply(item) {
    if (!item || typeof item.id !== 'string') return null;
    let f = item.f ? null : this.aircraft.get(item.id);
    if (!f) {
      if (!Array.isArray(item.c)) return null; // a change to an aircraft never held
      f = { type: 'Feature', id: item.id, geometry: { type: 'Point', coordinates: item.c }, properties: { hex: item.id } };
    } else {
      f = { ...f, properties: { ...f.properties } };
      if (Array.isArray(item.c)) f.geometry = { type: 'Point', coordinates: item.c };
    }
    for (const [k, v] of Object.entries(item)) {
      if (k === 'id' || k === 'f' || k === 'c') continue;
      f.properties[k] = (k === 'seen' || k === 'leg_start') && typeof v === 'number' ? unixToISO(v) : v;
    }
    this.aircraft.set(item.id, f);
    return f;
  }
}

/**
 * Unix seconds to RFC 3339 UTC without fractions, as the GeoJSON format writes.
 * @param {number} s
 * @returns {string}
 */
function unixToISO(s) {
  return new Date(s * 1000).toISOString().replace('.000Z', 'Z');
}
