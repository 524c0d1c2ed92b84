// Globals of the browser pages: MapLibre GL JS is loaded by a classic
// <script> (web/vendor/maplibre-gl.js) and typed from its npm package; the
// pages expose their state to the browser tests.
import type * as maplibre from 'maplibre-gl';

declare global {
  interface Window {
    maplibregl: typeof maplibre;
    /** The live map's state, for the browser tests (app.js). */
    flightwatch: Record<string, unknown>;
    /** The report page's state, for the browser tests (report.js). */
    flightwatchReport: Record<string, unknown>;
  }
}
