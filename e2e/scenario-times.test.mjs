// Browser test of the demo's times: the demo replays a January 2025 story,
// so every time the map shows (flight panel, alerts and their messages, the
// history bar and its list, the table, popups) is a scenario time, never a
// wall-clock one, in the first pass and early in the next, when the
// aircraft's legs and alerts of the pass before are still shown.
//
// Environment: as map.test.mjs (FLIGHTWATCH_E2E_URL, FLIGHTWATCH_E2E_CHROMIUM).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outDir, startServer, launchBrowser } from './harness.mjs';
import { setScenario, fmtEventTime, fmtMessage, scenarioTime } from '../static/web/state.js';
import { rangeSpan } from '../static/web/history.js';

const HEX = 'ae5a38';
// A demo pass takes about four and a half minutes.
const PASS_WAIT_MS = 420000;

describe('scenario time helpers', () => {
  it('place a stored time in the pass it was replayed in', () => {
    const p1 = Date.parse('2026-12-02T10:00:00.250Z');
    const p2 = Date.parse('2026-12-02T10:05:00.750Z');
    assert.ok(setScenario({ pass: 2, start: '2025-01-24T14:00:00Z', pass_start: new Date(p2).toISOString(), speed: 60, passes: [new Date(p1).toISOString(), new Date(p2).toISOString()] }));
    assert.equal(fmtEventTime(new Date(p2 + 60000).toISOString()), '2025-01-24 15:00:00Z (scenario)');
    assert.equal(fmtEventTime(new Date(p1 + 120000).toISOString()), '2025-01-24 16:00:00Z (scenario)', 'a time of the pass before');
    assert.equal(scenarioTime(p1).toISOString(), '2025-01-24T14:00:00.000Z');
    assert.equal(fmtMessage(`RCH1 has not departed KAAA for KBBB (due ${new Date(p2 + 4 * 60000).toISOString().replace('.750', '')})`),
      'RCH1 has not departed KAAA for KBBB (due 2025-01-24 17:59:15Z (scenario))');
    // The span of the pass begins within it (a whole second after its start).
    const span = rangeSpan('pass', '', p2 + 240000, { pass: 2, start: Date.parse('2025-01-24T14:00:00Z'), passStart: p2, speed: 60, passes: [p1, p2] });
    assert.ok(span && span[0] >= p2 && span[0] - p2 < 1000, `span ${span} does not begin within the pass from ${p2}`);
  });
});

/**
 * Every date the page shows: the visible text of the body and popups and
 * the tooltips, with where each was found.
 */
async function shownDates(page) {
  return page.evaluate(() => {
    const found = [];
    const re = /\b(\d{4})-(\d{2})-(\d{2})\b/g;
    const scan = (where, text) => {
      for (const m of String(text || '').matchAll(re)) found.push({ where, date: m[0], text: String(text).slice(Math.max(0, m.index - 60), m.index + 40) });
    };
    const parts = {
      panel: document.getElementById('flight-panel'),
      alerts: document.getElementById('alerts-panel'),
      history: document.getElementById('history-bar'),
      list: document.getElementById('day-panel'),
      table: document.getElementById('table-panel'),
      status: document.getElementById('status'),
    };
    for (const [where, el] of Object.entries(parts)) if (el && !el.hidden) scan(where, el.innerText);
    for (const el of document.querySelectorAll('.maplibregl-popup')) scan('popup', el.innerText);
    for (const el of document.querySelectorAll('[title]')) scan(`title of #${el.id || el.tagName}`, el.getAttribute('title'));
    // Date inputs show their value.
    for (const el of document.querySelectorAll('input[type="date"]')) if (!el.hidden) scan(`#${el.id}`, el.value);
    scan('body', document.body.innerText);
    return found;
  });
}

describe('demo times are scenario times', () => {
  let server = null;
  let tmp = null;
  let context = null;
  let page = null;
  let consoleErrors = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flightwatch-e2e-'));
    server = await startServer(tmp, 'scenario-times-server.log');
    ({ context, page, consoleErrors } = await launchBrowser(tmp, { width: 1400, height: 900 }));
    await page.goto(`${server.baseURL}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.flightwatch && window.flightwatch.map, null, { timeout: 30000 });
    await page.evaluate(() => window.flightwatch.ready);
    await page.waitForSelector('body[data-map-idle="1"]', { timeout: 60000 });
  });

  after(async () => {
    if (context) await context.close().catch(() => {});
    if (server) await server.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Opens everything that shows times and checks each date shown. */
  async function checkAll(name) {
    await page.evaluate((h) => window.flightwatch.selectAircraft(h), HEX);
    await page.waitForFunction(() => window.flightwatch.flightPanel.loads > 0 && !document.getElementById('flight-panel').hidden, null, { timeout: 30000 });
    if (await page.$eval('#alerts-panel', (el) => el.hidden)) await page.click('#btn-alerts');
    if (await page.$eval('#table-panel', (el) => el.hidden)) await page.click('#btn-table');
    if (await page.$eval('#day-panel', (el) => el.hidden)) await page.click('#hist-list-btn');
    await page.waitForFunction(() => document.getElementById('day-span').textContent !== '', null, { timeout: 30000 });
    // The slider at its span's start: the label and the span show that time.
    await page.evaluate(() => {
      const s = document.getElementById('hist-slider');
      s.value = s.min;
      s.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForFunction(() => window.flightwatch.history.shownAt !== null, null, { timeout: 30000 });
    // A popup: the newest alert's (its aircraft's popup when it is live);
    // the flight panel may cover the alerts panel.
    await page.$eval('#alerts li.alert button', (b) => b.click());
    await page.waitForFunction(() => document.querySelector('.maplibregl-popup'), null, { timeout: 30000, polling: 200 });
    const dates = await shownDates(page);
    await page.screenshot({ path: join(outDir, `scenario-times-${name}.png`) });
    const wrong = dates.filter((d) => !d.date.startsWith('2025-01-'));
    assert.deepEqual(wrong, [], `${name}: dates that are not scenario (January 2025) dates:\n${wrong.map((d) => `${d.where}: ${d.date} in "${d.text}"`).join('\n')}`);
    for (const where of ['panel', 'alerts', 'history', 'list', 'popup']) {
      assert.ok(dates.some((d) => d.where === where), `${name}: no date found in the ${where}, so nothing of it was checked`);
    }
    const text = await page.$eval('#alerts', (el) => el.innerText);
    assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T/, `${name}: an alert message quotes a raw RFC 3339 time`);
    // Back to live, nothing open.
    await page.click('#hist-live');
    await page.evaluate(() => { for (const b of document.querySelectorAll('.maplibregl-popup-close-button')) b.click(); });
    return dates.length;
  }

  it('in the first pass, once the not-departed flight is overdue', async () => {
    // not_departed quotes the plan's due time in its message.
    await page.waitForFunction(() => window.flightwatch.alertsPanel.features().some((f) => f.properties.type === 'not_departed')
      && window.flightwatch.alertsPanel.features().some((f) => String(f.properties.hex) === 'ae5a38'),
    null, { timeout: PASS_WAIT_MS, polling: 500 });
    const n = await checkAll('pass1');
    console.log(`# pass 1: ${n} dates checked`);
  });

  it('early in the second pass, with the first pass\'s legs and alerts still shown', async () => {
    await page.waitForSelector('body[data-scenario-pass="2"]', { timeout: PASS_WAIT_MS });
    const n = await checkAll('pass2');
    console.log(`# pass 2: ${n} dates checked`);
    // The flight panel's earlier leg (the first pass's) is dated too.
    const legs = await page.$$eval('#flight-panel .fp-leg time, #flight-panel .fp-dl dd', (els) => els.map((e) => e.textContent));
    assert.ok(legs.some((t) => /^2025-01-/.test(t)), `the flight panel shows no scenario date: ${legs}`);
    assert.deepEqual(consoleErrors, [], `console errors:\n${consoleErrors.join('\n')}`);
  });
});
