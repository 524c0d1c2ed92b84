// Browser end-to-end test of the flightwatch map.
//
// Runs Debian's Chromium headless (software WebGL) through playwright-core
// against a running server: FLIGHTWATCH_E2E_URL when set, otherwise it builds
// ./cmd/flightwatch and starts `flightwatch serve` with the bundled demo on a
// free loopback port, and stops it at the end.
//
// Environment:
//   FLIGHTWATCH_E2E_URL       server to test (default: build and start one)
//   FLIGHTWATCH_E2E_CHROMIUM  browser binary (default /usr/bin/chromium)
//   FLIGHTWATCH_E2E_ALERT_MS  how long to wait for the first alert (default 120000)

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outDir, sleep, startServer, launchBrowser } from './harness.mjs';

const alertWaitMs = Number(process.env.FLIGHTWATCH_E2E_ALERT_MS || 120000);

describe('flightwatch map', () => {
  let baseURL = '';
  let server = null;
  let tmp = null;
  let context = null;
  let page = null;
  let consoleErrors = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flightwatch-e2e-'));
    server = await startServer(tmp, 'server.log');
    baseURL = server.baseURL;
    ({ context, page, consoleErrors } = await launchBrowser(tmp));
  });

  after(async () => {
    if (context) await context.close().catch(() => {});
    if (server) await server.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('loads the page and the map becomes idle', async () => {
    const res = await page.goto(`${baseURL}/`, { waitUntil: 'load' });
    assert.equal(res.status(), 200, `GET / = ${res.status()}, want 200`);
    await page.waitForFunction(() => window.flightwatch && window.flightwatch.map, null, { timeout: 30000 });
    await page.evaluate(() => window.flightwatch.ready);
    await page.waitForSelector('body[data-map-idle="1"]', { timeout: 60000 });
    const style = await page.evaluate(() => window.flightwatch.map.getStyle().layers.map((l) => l.id));
    for (const id of ['land', 'borders', 'routes', 'aircraft', 'cells']) {
      assert.ok(style.includes(id), `style layers ${JSON.stringify(style)} lack ${id}`);
    }
    const banner = await page.$eval('#banner', (el) => ({ hidden: el.hidden, text: el.textContent }));
    assert.ok(banner.hidden || banner.text.trim() !== '', 'banner shown without text');
    assert.ok(await page.$('#info'), 'no #info element');
  });

  it('draws the planned routes', async () => {
    await page.waitForFunction(
      () => window.flightwatch.map.queryRenderedFeatures({ layers: ['routes'] }).length > 0,
      null,
      { timeout: 60000, polling: 500 },
    );
  });

  it('draws live aircraft from the websocket', async () => {
    // The first view fits the planned routes; when no aircraft is inside it
    // after a while, move the map to one the API knows about.
    const rendered = () => page.evaluate(() => window.flightwatch.map.queryRenderedFeatures({ layers: ['aircraft'] }).length);
    const deadline = Date.now() + 120000;
    let moved = false;
    let n = await rendered();
    while (n === 0 && Date.now() < deadline) {
      await sleep(1000);
      n = await rendered();
      if (n === 0 && !moved && Date.now() > deadline - 90000) {
        const fc = await (await fetch(`${baseURL}/api/v1/aircraft`)).json();
        const f = (fc.features || []).find((x) => x.geometry && x.geometry.type === 'Point');
        if (f) {
          moved = true;
          await page.evaluate((c) => window.flightwatch.map.jumpTo({ center: c, zoom: 5 }), f.geometry.coordinates);
        }
      }
    }
    assert.ok(n > 0, 'no aircraft rendered on the map');
    await page.waitForFunction(() => window.flightwatch.stats.aircraftUpdates > 0, null, { timeout: 60000, polling: 500 });
    const stats = await page.evaluate(() => ({ ...window.flightwatch.stats }));
    assert.ok(stats.wsMessages > 0, `stats.wsMessages = ${stats.wsMessages}, want > 0`);
    const count = Number(await page.textContent('#status-count'));
    assert.ok(count > 0, `status aircraft count = ${count}, want > 0`);
    const conn = await page.textContent('#status-conn');
    assert.equal(conn, 'connected', `status = ${conn}, want connected`);
  });

  it('draws the report hexagons the websocket sends', async () => {
    // A hexagon at the stream's resolution (5, the middle of report_res).
    const fc = await (await fetch(`${baseURL}/api/v1/cells?layer=reports&res=5`)).json();
    const cell = (fc.features || [])[0];
    assert.ok(cell, 'the demo has no report hexagon at res 5');
    const ring = cell.geometry.coordinates[0];
    const center = [ring.reduce((s, c) => s + c[0], 0) / ring.length, ring.reduce((s, c) => s + c[1], 0) / ring.length];
    const view = await page.evaluate(() => {
      const { map } = window.flightwatch;
      return { center: map.getCenter().toArray(), zoom: map.getZoom() };
    });
    // At zoom 8 the map wants resolution 5: the stream's hexagons fit.
    await page.evaluate((c) => window.flightwatch.map.jumpTo({ center: c, zoom: 8 }), center);
    await page.waitForFunction((h3) => {
      const { map, cells } = window.flightwatch;
      return cells.shown === 'stream' &&
        map.queryRenderedFeatures({ layers: ['cells'] }).some((f) => f.properties.h3 === h3);
    }, cell.properties.h3, { timeout: 60000, polling: 250 });
    const shown = await page.evaluate((h3) => {
      const f = window.flightwatch.cells.held.get(h3);
      return f && { res: f.properties.res, count: f.properties.count };
    }, cell.properties.h3);
    assert.equal(shown.res, 5, 'stream hexagon resolution');
    assert.ok(shown.count >= cell.properties.count, `stream count ${shown.count} < API count ${cell.properties.count}`);
    await page.evaluate((v) => window.flightwatch.map.jumpTo(v), view);
  });

  it('lists alerts in the panel', async () => {
    await page.waitForSelector('#alerts li .alert-item', { timeout: alertWaitMs });
    const first = await page.$eval('#alerts li .alert-item', (el) => ({
      badge: el.querySelector('.badge').textContent.trim(),
      time: el.querySelector('time').getAttribute('datetime'),
    }));
    assert.notEqual(first.badge, '', 'alert without a type badge');
    assert.ok(!Number.isNaN(Date.parse(first.time)), `alert time ${first.time} is not a time`);
  });

  it('reconnects and resumes after the websocket drops', async () => {
    const before = await page.evaluate(() => window.flightwatch.stats.wsMessages);
    const subscribed = await page.evaluate(() => window.flightwatch.stats.snapshots + window.flightwatch.stats.resumes);
    const resumable = await page.evaluate(() => {
      const s = window.flightwatch.stream;
      const ok = s.epoch !== null && s.offset !== null;
      s.ws.close(4000, 'test drop');
      return ok;
    });
    assert.ok(resumable, 'no epoch/offset seen before the drop: resume impossible');
    await page.waitForFunction(() => document.getElementById('status-conn').textContent !== 'connected', null, { timeout: 10000, polling: 50 });
    await page.waitForFunction(() => document.getElementById('status-conn').textContent === 'connected', null, { timeout: 60000, polling: 250 });
    await page.waitForFunction((n) => window.flightwatch.stats.wsMessages > n, before, { timeout: 60000, polling: 250 });
    // The server answers the resent subscribe with "resumed" (or a fresh snapshot when the gap is too old).
    await page.waitForFunction(
      (n) => window.flightwatch.stats.snapshots + window.flightwatch.stats.resumes > n,
      subscribed,
      { timeout: 30000, polling: 250 },
    );
  });

  it('saves a screenshot with no console errors', async () => {
    // Let the last updates render before the picture.
    await page.evaluate(() => new Promise((r) => {
      const { map } = window.flightwatch;
      map.once('idle', r);
      map.triggerRepaint();
    }));
    await page.screenshot({ path: join(outDir, 'map.png') });
    assert.deepEqual(consoleErrors, [], `console errors:\n${consoleErrors.join('\n')}`);
  });
});
