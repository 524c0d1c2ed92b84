// Browser test of the offline vector basemap: the map opened over Houston at
// zoom 9 draws land, state and county lines, place labels and airport labels
// from the binary's own tiles and glyphs, and the Great Lakes as water, with
// no request leaving the server.
//
// Environment: as harness.mjs (FLIGHTWATCH_E2E_URL, FLIGHTWATCH_E2E_CHROMIUM).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outDir, startServer, launchBrowser } from './harness.mjs';

// Ellington Airport (KEFD), Houston.
const KEFD = [-95.1588, 29.6073];

describe('offline vector basemap', () => {
  let baseURL = '';
  let server = null;
  let tmp = null;
  let context = null;
  let page = null;
  let consoleErrors = [];
  const foreign = [];
  const failed = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flightwatch-e2e-basemap-'));
    server = await startServer(tmp, 'server-basemap.log');
    baseURL = server.baseURL;
    ({ context, page, consoleErrors } = await launchBrowser(tmp));
    page.on('request', (req) => {
      if (!req.url().startsWith(baseURL) && !req.url().startsWith('data:') && !req.url().startsWith('blob:')) {
        foreign.push(req.url());
      }
    });
    page.on('response', (res) => {
      if (/\/(tiles|fonts)\//.test(res.url()) && res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
    });
  });

  after(async () => {
    if (context) await context.close().catch(() => {});
    if (server) await server.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('serves a TileJSON naming the layers', async () => {
    const doc = await (await fetch(`${baseURL}/tiles/basemap.json`)).json();
    assert.equal(doc.tilejson, '3.0.0');
    const ids = doc.vector_layers.map((l) => l.id);
    for (const id of ['land', 'lakes', 'countries', 'states', 'places', 'airports']) {
      assert.ok(ids.includes(id), `vector_layers ${JSON.stringify(ids)} lack ${id}`);
    }
    const meta = await (await fetch(`${baseURL}/api/v1/meta`)).json();
    assert.ok(meta.map && Array.isArray(meta.map.center) && meta.map.center.length === 2, `meta.map = ${JSON.stringify(meta.map)}`);
  });

  it('opens over Houston at zoom 9 and becomes idle', async () => {
    const res = await page.goto(`${baseURL}/#9/29.70/-95.20`, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    await page.waitForFunction(() => window.flightwatch && window.flightwatch.map, null, { timeout: 30000 });
    await page.waitForSelector('body[data-map-idle="1"]', { timeout: 60000 });
    const view = await page.evaluate(() => ({ z: window.flightwatch.map.getZoom(), c: window.flightwatch.map.getCenter() }));
    assert.ok(Math.abs(view.z - 9) < 0.01 && Math.abs(view.c.lng + 95.2) < 0.05, `view ${JSON.stringify(view)}, want the URL's`);
  });

  it('renders place and airport labels and the lines of states and counties', async () => {
    const rendered = (layer, key) => page.evaluate(([l, k]) => {
      const fs = window.flightwatch.map.queryRenderedFeatures({ layers: [l] });
      return [...new Set(fs.map((f) => f.properties[k]))];
    }, [layer, key]);
    await page.waitForFunction(() => {
      const m = window.flightwatch.map;
      const names = (l, k) => m.queryRenderedFeatures({ layers: [l] }).map((f) => f.properties[k]);
      return names('place-labels', 'name').includes('Houston') && names('airport-labels', 'ident').includes('KEFD');
    }, null, { timeout: 60000, polling: 500 });
    const places = await rendered('place-labels', 'name');
    const airports = await rendered('airport-labels', 'ident');
    assert.ok(places.length >= 5, `only ${places.length} place labels: ${places}`);
    for (const ident of ['KEFD', 'KHOU']) assert.ok(airports.includes(ident), `airport labels ${airports} lack ${ident}`);
    const counties = await rendered('counties', 'name');
    assert.ok(counties.includes('Harris'), `county lines ${counties} lack Harris`);
    const states = await rendered('states', 'name');
    assert.ok(states.includes('Texas'), `state lines ${states} lack Texas`);
  });

  it('puts Ellington on land, not offshore', async () => {
    const onLand = await page.evaluate((p) => {
      const m = window.flightwatch.map;
      return m.queryRenderedFeatures(m.project(p), { layers: ['land'] }).length;
    }, KEFD);
    assert.ok(onLand > 0, 'no land polygon under KEFD');
  });

  it('draws the lakes as water: Lake Michigan, not Madison beside it', async () => {
    await page.evaluate(() => window.flightwatch.map.jumpTo({ center: [-87.5, 43.5], zoom: 6 }));
    const at = (p) => page.evaluate((q) => {
      const m = window.flightwatch.map;
      return m.queryRenderedFeatures(m.project(q), { layers: ['lakes'] }).map((f) => f.properties.name);
    }, p);
    await page.waitForFunction(() => {
      const m = window.flightwatch.map;
      return m.queryRenderedFeatures(m.project([-87.0, 43.5]), { layers: ['lakes'] }).length > 0;
    }, null, { timeout: 60000, polling: 500 });
    assert.deepEqual(await at([-87.0, 43.5]), ['Lake Michigan']);
    assert.deepEqual(await at([-89.4, 43.07]), [], 'a lake drawn over Madison, Wisconsin');
    await page.screenshot({ path: join(outDir, 'basemap-lakes-z6.png') });
  });

  it('loads nothing from outside and saves a screenshot', async () => {
    await page.evaluate(() => new Promise((resolve) => {
      const m = window.flightwatch.map;
      if (m.loaded() && m.areTilesLoaded()) resolve();
      else m.once('idle', resolve);
      setTimeout(resolve, 15000); // the live layers may keep it busy
    }));
    await page.screenshot({ path: join(outDir, 'basemap-houston-z9.png') });
    assert.deepEqual(failed, [], `tile or glyph requests failed: ${failed.join(', ')}`);
    assert.deepEqual(foreign, [], `requests left the server: ${foreign.join(', ')}`);
    assert.deepEqual(consoleErrors, [], `console errors: ${consoleErrors.join('\n')}`);
  });
});
