// Websocket client for /api/v1/stream: subscribes to a viewport, reconnects
// with exponential backoff and resumes from the last epoch and offset it saw.

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30000;

export class Stream {
  /**
   * @param {object} opts
   * @param {string} opts.url websocket URL
   * @param {string[]} opts.layers layers to subscribe to
   * @param {(msg: object) => void} opts.onMessage called for every message
   * @param {(state: 'connecting'|'connected'|'disconnected', detail?: string) => void} opts.onState
   */
  constructor({ url, layers, onMessage, onState }) {
    this.url = url;
    this.layers = layers;
    this.onMessage = onMessage;
    this.onState = onState;
    this.bbox = null;
    this.ws = null;
    this.epoch = null;
    this.offset = null;
    this.attempt = 0;
    this.timer = null;
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

  /** Changes the viewport; sent at once when connected, else on connect. */
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
      this.onMessage(msg);
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

  retry(reason) {
    this.onState('disconnected', reason);
    const base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt = Math.min(this.attempt + 1, 16);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  sendSubscribe(withResume) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN || !this.bbox) return;
    const msg = { op: 'subscribe', bbox: this.bbox, layers: this.layers };
    if (withResume && this.epoch !== null && this.offset !== null) {
      msg.resume = { epoch: this.epoch, offset: this.offset };
    }
    this.ws.send(JSON.stringify(msg));
  }
}
