// Browser end-to-end test of the map's alerts panel: no alert is lost
// between the alert log and the websocket when both are slow, the panel
// filters by type, marks read, clears and separates demo passes, the legend
// shows the alert markers, and the demo shows its scenario clock and its
// k = 1 notice. Screenshots go to e2e/out/alerts-*.png.
//
// Harness (harness.mjs):
// Runs Debian's Chromium headless (software WebGL) through playwright-core
// against a running server: FLIGHTWATCH_E2E_URL when set, otherwise it builds
// ./cmd/flightwatch and starts `flightwatch serve` with the bundled demo on a
// free loopback port, and stops it at the end.
//
// Environment:
//   FLIGHTWATCH_E2E_URL       server to test (default: build and start one)
//   FLIGHTWATCH_E2E_CHROMIUM  browser binary (default /usr/bin/chromium)
//   FLIGHTWATCH_E2E_ALERT_MS  how long to wait for alerts (default 180000)

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outDir, sleep, startServer, launchBrowser } from './harness.mjs';

const alertWaitMs = Number(process.env.FLIGHTWATCH_E2E_ALERT_MS || 180000);

describe('flightwatch alerts panel', () => {
  let baseURL = '';
  let server = null;
  let tmp = null;
  let context = null;
  let page = null;
  let consoleErrors = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flightwatch-e2e-'));
    server = await startServer(tmp, 'alerts-server.log');
    baseURL = server.baseURL;
    ({ context, page, consoleErrors } = await launchBrowser(tmp));
  });

  after(async () => {
    if (context) await context.close().catch(() => {});
    if (server) await server.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });


  // How long the websocket connection and the alert log are held back.
  const WS_DELAY_MS = 12000;
  const LOG_DELAY_MS = 4000;

  it('loses no alert when the websocket and the alert log are slow', async () => {
    // Hold the websocket back, then the alert log: alerts the demo raises
    // meanwhile must still reach the panel, from one or the other.
    await page.routeWebSocket(/\/api\/v1\/stream/, async (ws) => {
      await sleep(WS_DELAY_MS);
      ws.connectToServer();
    });
    await page.route(/\/api\/v1\/alerts(\?|$)/, async (route) => {
      await sleep(LOG_DELAY_MS);
      await route.continue();
    });
    const res = await page.goto(`${baseURL}/`, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    await page.waitForFunction(() => window.flightwatch && window.flightwatch.map, null, { timeout: 30000 });
    await page.evaluate(() => window.flightwatch.ready);
    await page.waitForFunction(() => window.flightwatch.stats.wsMessages > 0, null, { timeout: 60000, polling: 250 });
    await page.waitForFunction(() => window.flightwatch.alertLogLoads > 0, null, { timeout: 60000, polling: 250 });
    // Wait for the demo to have raised several alerts, then give the
    // stream a moment to deliver the newest.
    const deadline = Date.now() + alertWaitMs;
    let logged = [];
    while (Date.now() < deadline) {
      const fc = await (await fetch(`${baseURL}/api/v1/alerts?limit=50`)).json();
      logged = fc.features || [];
      if (logged.length >= 4) break;
      await sleep(1000);
    }
    assert.ok(logged.length >= 4, `the demo raised ${logged.length} alerts in ${alertWaitMs} ms, want ≥ 4`);
    await sleep(3000);
    const fc = await (await fetch(`${baseURL}/api/v1/alerts?limit=50`)).json();
    const want = (fc.features || []).map((f) => String(f.properties.id || f.id));
    const shown = await page.$$eval('#alerts li.alert', (els) => els.map((el) => el.dataset.id));
    const missing = want.filter((id) => !shown.includes(id));
    assert.deepEqual(missing, [], `alerts in the log but not in the panel (shown ${shown.length}, logged ${want.length})`);
    assert.equal(new Set(shown).size, shown.length, 'an alert is listed twice');
    const unread = Number(await page.textContent('#alert-count'));
    assert.equal(unread, shown.length, 'every alert starts unread');
    // In the demo the alerts of the current pass show scenario times.
    const meta = await (await fetch(`${baseURL}/api/v1/meta`)).json();
    const passStart = Date.parse(meta.scenario.pass_start);
    const times = await page.$$eval('#alerts li.alert .alert-time', (els) => els.map((el) => ({ wall: el.dateTime, shown: el.textContent })));
    assert.ok(times.some((t) => Date.parse(t.wall) >= passStart), 'no alert of the current pass listed');
    for (const t of times) {
      if (Date.parse(t.wall) < passStart) continue;
      assert.match(t.shown, /^2025-01-2[3-7] \d\d:\d\d:\d\dZ \(scenario\)$/, `alert at ${t.wall} shown as ${t.shown}`);
    }
    await page.screenshot({ path: join(outDir, 'alerts-panel.png') });
  });

  it('marks an alert read on click and counts the unread', async () => {
    const before = Number(await page.textContent('#alert-count'));
    await page.click('#alerts li.alert.unread .alert-item');
    const after = Number(await page.textContent('#alert-count'));
    assert.equal(after, before - 1, `unread ${before} → ${after} after one click`);
    assert.equal(await page.$$eval('#alerts li.alert:not(.unread)', (els) => els.length), 1);
    await page.click('#alerts-read');
    assert.equal(await page.textContent('#alert-count'), '0');
    assert.equal(await page.$$eval('#alerts li.alert.unread', (els) => els.length), 0);
  });

  it('filters alerts by type', async () => {
    const types = await page.$$eval('#alerts li.alert', (els) => els.map((el) => el.dataset.type));
    const type = types[0];
    await page.selectOption('#alert-filter', type);
    const visible = await page.$$eval('#alerts li.alert', (els) => els.filter((el) => !el.hidden).map((el) => el.dataset.type));
    assert.equal(visible.length, types.filter((t) => t === type).length, `filter ${type}`);
    assert.ok(visible.every((t) => t === type), `filter ${type} shows ${visible}`);
    const other = await page.$$eval('#alert-filter option', (os) => os.map((o) => o.value));
    const absent = other.find((v) => v && !types.includes(v));
    if (absent) {
      await page.selectOption('#alert-filter', absent);
      assert.equal(await page.$$eval('#alerts li.alert', (els) => els.filter((el) => !el.hidden).length), 0);
      assert.equal(await page.$eval('#alerts-empty', (el) => el.hidden), false, 'empty text hidden with no alert shown');
    }
    await page.selectOption('#alert-filter', '');
    const all = await page.$$eval('#alerts li.alert', (els) => els.filter((el) => !el.hidden).length);
    assert.equal(all, types.length);
  });

  it('puts a separator before the alerts of a new demo pass', async () => {
    // The demo suffixes the plan ids of pass N > 1 with "-N" (demo.postPlans);
    // a pass lasts many minutes, so the next pass's alerts are the logged
    // ones under their next-pass plan ids and later times.
    const fc = await (await fetch(`${baseURL}/api/v1/alerts?limit=50`)).json();
    const planned = (fc.features || []).filter((f) => f.properties.plan);
    assert.ok(planned.length > 0, 'no logged alert of a planned flight');
    const n = await page.evaluate((feats) => {
      const next = feats.map((f) => ({
        ...f,
        properties: {
          ...f.properties,
          id: `${f.properties.id}-pass2`,
          plan: `${f.properties.plan}-2`,
          time: new Date(Date.now() + 60000).toISOString(),
        },
      }));
      return window.flightwatch.alertsPanel.add(next, { fresh: true });
    }, planned);
    assert.equal(n, planned.length);
    const seps = await page.$$eval('#alerts li.pass-sep', (els) => els.map((el) => el.textContent));
    assert.deepEqual(seps, ['Demo pass 2', 'Demo pass 1']);
    const order = await page.$$eval('#alerts > li', (els) => els.map((el) => (el.classList.contains('pass-sep') ? `sep${el.dataset.pass}` : el.dataset.pass)));
    assert.equal(order[0], 'sep2');
    const sep1 = order.indexOf('sep1');
    assert.ok(order.slice(1, sep1).every((p) => p === '2') && order.slice(sep1 + 1).every((p) => p === '1'), `order ${order}`);
    await page.screenshot({ path: join(outDir, 'alerts-passes.png') });
  });

  it('clears the panel', async () => {
    await page.click('#alerts-clear');
    assert.equal(await page.$$eval('#alerts > li', (els) => els.length), 0);
    assert.equal(await page.textContent('#alert-count'), '0');
    assert.equal(await page.$eval('#alerts-empty', (el) => el.hidden), false);
  });

  it('shows the alert markers in the legend in the map colours', async () => {
    const legend = await page.$$eval('#alert-legend li', (els) => els.map((el) => ({
      type: el.dataset.type,
      color: getComputedStyle(el.querySelector('.key-alert')).borderTopColor,
    })));
    const layer = await page.evaluate(() => window.flightwatch.map.getPaintProperty('alert-points', 'circle-stroke-color'));
    // ['match', ['get', 'type'], type1, colour1, ..., fallback]
    const colours = {};
    for (let i = 2; i + 1 < layer.length; i += 2) colours[layer[i]] = layer[i + 1];
    assert.deepEqual(legend.map((l) => l.type).sort(), Object.keys(colours).sort());
    const rgb = (hex) => `rgb(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)})`;
    for (const l of legend) assert.equal(l.color, rgb(colours[l.type]), `legend colour of ${l.type}`);
  });

  it('shows the scenario clock in January 2025 and the k = 1 notice', async () => {
    const meta = await (await fetch(`${baseURL}/api/v1/meta`)).json();
    assert.equal(meta.min_cell_count, 1, 'the demo publishes hexagons with k = 1');
    assert.ok(meta.scenario && meta.scenario.pass >= 1, `meta.scenario = ${JSON.stringify(meta.scenario)}`);
    await page.waitForSelector('#scenario-clock:not([hidden])', { timeout: 30000 });
    const shown = await page.$eval('#scenario-time', (el) => el.dateTime);
    assert.match(shown, /^2025-01-2[3-7]T/, `scenario clock ${shown}`);
    const expect = Date.parse(meta.scenario.start) + (Date.now() - Date.parse(meta.scenario.pass_start)) * meta.scenario.speed;
    assert.ok(Math.abs(Date.parse(shown) - expect) < 10 * 60000, `scenario clock ${shown}, want about ${new Date(expect).toISOString()}`);
    const notice = await page.$eval('#privacy-notice', (el) => ({ hidden: el.hidden, text: el.textContent }));
    assert.equal(notice.hidden, false, 'k = 1 notice hidden');
    assert.match(notice.text, /k = 1/);
    assert.match(notice.text, /public/);
    await page.screenshot({ path: join(outDir, 'alerts-legend.png') });
    assert.deepEqual(consoleErrors, [], `console errors:\n${consoleErrors.join('\n')}`);
  });
});
