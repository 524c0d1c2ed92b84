// Browser test of predicted destinations on the map: in the demo, each
// airborne watched flight gets a dotted line to its predicted field, and a
// click on the line shows the field, the basis and the confidence.
//
// Starts `flightwatch serve` with the bundled demo on a free loopback port
// (or uses FLIGHTWATCH_E2E_URL) and drives Debian's Chromium headless, both
// through harness.mjs.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outDir, startServer, launchBrowser } from './harness.mjs';

describe('predicted destinations on the map', () => {
  let baseURL = '';
  let server = null;
  let tmp = null;
  let context = null;
  let page = null;
  let errors = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flightwatch-e2e-pred-'));
    server = await startServer(tmp, 'prediction-server.log');
    baseURL = server.baseURL;
    ({ context, page, consoleErrors: errors } = await launchBrowser(tmp));
  });

  after(async () => {
    if (context) await context.close().catch(() => {});
    if (server) await server.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('draws a dotted line to the predicted field with basis and confidence', async () => {
    await page.goto(`${baseURL}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.flightwatch && window.flightwatch.map, null, { timeout: 30000 });
    await page.evaluate(() => window.flightwatch.ready);
    // The layer joins once the map has settled (20 s at the latest).
    await page.waitForFunction(() => !!window.flightwatch.map.getLayer('prediction-lines'), null, { timeout: 60000, polling: 500 });
    await page.waitForFunction(() => window.flightwatch.predictions && window.flightwatch.predictions.count > 0,
      null, { timeout: 240000, polling: 1000 });
    // Fit the first line and click its predicted field (which stays put).
    const mid = await page.evaluate(() => new Promise((resolve) => {
      const map = window.flightwatch.map;
      const line = window.flightwatch.predictions.features.find((f) => f.geometry.type === 'LineString');
      const [a, b] = line.geometry.coordinates;
      map.fitBounds([[Math.min(a[0], b[0]), Math.min(a[1], b[1])], [Math.max(a[0], b[0]), Math.max(a[1], b[1])]],
        { padding: { top: 150, bottom: 150, left: 320, right: 440 }, duration: 0 });
      map.once('idle', () => {
        const p = map.project(b);
        const r = map.getContainer().getBoundingClientRect();
        const hits = map.queryRenderedFeatures([[p.x - 6, p.y - 6], [p.x + 6, p.y + 6]], { layers: ['prediction-fields', 'prediction-lines'] }).length;
        const top = document.elementFromPoint(r.left + p.x, r.top + p.y);
        resolve({ x: r.left + p.x, y: r.top + p.y, hits, top: top ? top.tagName + '.' + top.className : '', dest: line.properties.dest, basis: line.properties.basis });
      });
    }));
    const rendered = await page.evaluate(() => window.flightwatch.map.queryRenderedFeatures({ layers: ['prediction-lines'] }).length);
    assert.ok(rendered > 0, 'no prediction line rendered');
    assert.ok(mid.hits > 0, `no prediction feature under the field at ${mid.x},${mid.y}`);
    assert.match(mid.top, /CANVAS/, `the field is covered by ${mid.top}`);
    await page.mouse.click(mid.x, mid.y);
    const text = await page.waitForFunction(() => {
      const el = [...document.querySelectorAll('.maplibregl-popup')].find((p) => /Confidence/.test(p.textContent));
      return el ? el.textContent : false;
    }, null, { timeout: 30000, polling: 250 }).then((h) => h.jsonValue());
    assert.match(text, new RegExp(mid.dest), `popup ${text} does not name ${mid.dest}`);
    assert.match(text, /Confidence\s*\d+%/, `popup ${text} has no confidence`);
    assert.match(text, /From/, `popup ${text} has no basis`);
    await page.screenshot({ path: join(outDir, 'prediction.png') });
    assert.deepEqual(errors, [], `console errors: ${errors.join('; ')}`);
  });
});
