// Browser end-to-end test of the flights report (/report).
//
// Starts `flightwatch serve` with the bundled demo (or tests
// FLIGHTWATCH_E2E_URL), waits until the demo's flights have taken off, then
// opens /report in Debian's Chromium headless and checks that the weekly
// and monthly tables and charts show the same counts as the stats API, and
// that those counts agree with the flights the API lists; reads the flights'
// GeoParquet export with DuckDB (@duckdb/node-api).
//
// Environment:
//   FLIGHTWATCH_E2E_URL       server to test (default: build and start one)
//   FLIGHTWATCH_E2E_CHROMIUM  browser binary (default /usr/bin/chromium)

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outDir, sleep, startServer, launchBrowser } from './harness.mjs';

async function waitFor(what, fn, deadlineMs) {
  const until = Date.now() + deadlineMs;
  let last = 'nothing yet';
  while (Date.now() < until) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err.message;
    }
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}: ${last}`);
}

async function getJSON(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} = ${res.status}`);
  return res.json();
}

// Legs the stats count: watched aircraft's legs that flew.
const counted = (f) => f.properties.watch && f.properties.status !== 'taxi';

describe('flights report', () => {
  let baseURL = '';
  let server = null;
  let tmp = null;
  let context = null;
  let page = null;
  let consoleErrors = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flightwatch-report-'));
    server = await startServer(tmp, 'report-server.log');
    baseURL = server.baseURL;
    // The demo's Guatemala and Colombia flights take off within the first
    // minute of a pass (played 60x).
    await waitFor('the demo flights to take off', async () => {
      const fc = await getJSON(`${baseURL}/api/v1/flights`);
      return fc.features.filter(counted).length >= 4;
    }, 180000);
    ({ context, page, consoleErrors } = await launchBrowser(tmp, { width: 1280, height: 1000 }));
  });

  after(async () => {
    if (context) await context.close().catch(() => {});
    if (server) await server.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  // Reads a rendered table as { group: total }.
  const tableTotals = (by) => page.$$eval(`#table-${by} tbody tr`, (rows) =>
    Object.fromEntries(rows.map((r) => [r.dataset.group, Number(r.querySelector('td.total').textContent)])));

  const apiTotals = (ans) => {
    const out = {};
    for (const r of ans.rows) out[r.group] = (out[r.group] || 0) + r.count;
    for (const k of Object.keys(out)) if (out[k] === 0) delete out[k];
    return out;
  };

  for (const period of ['week', 'month']) {
    it(`renders the ${period}ly tables and charts from the demo's flights`, async () => {
      const res = await page.goto(`${baseURL}/report?period=${period}`, { waitUntil: 'load' });
      assert.equal(res.status(), 200, `GET /report = ${res.status()}`);
      await page.waitForFunction(() => window.flightwatchReport && window.flightwatchReport.ready, null, { timeout: 30000 });
      const data = await page.evaluate(async () => { await window.flightwatchReport.ready; return window.flightwatchReport.data; });
      assert.equal(data.country.period, period);
      for (const by of ['country', 'airport', 'origin', 'operator', 'class']) {
        const shown = await tableTotals(by);
        const want = apiTotals(data[by]);
        for (const [g, n] of Object.entries(want)) {
          assert.equal(shown[g], n, `${period} table by ${by}: ${g} shows ${shown[g]}, the API says ${n}`);
        }
      }
      // Every counted flight is in exactly one class and one country.
      const fc = await getJSON(`${baseURL}/api/v1/flights`);
      const flights = fc.features.filter(counted);
      const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
      const byClass = sum(await tableTotals('class'));
      const byCountry = sum(await tableTotals('country'));
      assert.equal(byClass, byCountry, `class total ${byClass} != country total ${byCountry}`);
      assert.ok(byClass >= 4 && byClass <= flights.length,
        `report counts ${byClass} flights, the API lists ${flights.length} watched flights (want at least the 4 demo departures)`);
      // The Guatemala flights (RCH821 from KBIF, RCH822 from KDMA) fly to MGGT.
      const toGT = flights.filter((f) => (f.properties.actual_destination || f.properties.planned_destination) === 'MGGT').length;
      assert.ok(toGT >= 2, `the API lists ${toGT} flights to MGGT, want the demo's 2`);
      assert.ok((await tableTotals('country')).GTM >= 2, 'the country table lacks the Guatemala flights');
      assert.ok((await tableTotals('class')).removal >= 2, 'the class table counts no removals');
      // Charts: a stacked bar per class and a bar per top destination.
      const bars = await page.$$eval('#chart-class rect.bar', (rs) => rs.reduce((s, r) => s + Number(r.dataset.count), 0));
      assert.equal(bars, byClass, `stacked chart sums ${bars}, want ${byClass}`);
      assert.ok(await page.$('#chart-dest rect.bar[data-group="GTM"]'), 'no GTM bar among the top destinations');
      await page.screenshot({ path: join(outDir, `report-${period}.png`), fullPage: true });
    });
  }

  it('downloads a table as CSV', async () => {
    const href = await page.$eval('#table-country a.csv', (a) => a.href);
    const res = await fetch(href);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') || '', /^text\/csv/);
    const text = await res.text();
    const [header, ...rows] = text.trim().split('\n');
    assert.equal(header, 'period,start,country,count,mean_prev_6,change,change_pct');
    assert.ok(rows.some((r) => r.split(',')[2] === 'GTM'), `CSV has no GTM row:\n${text}`);
  });

  it('exports the flights as GeoParquet that DuckDB reads', async () => {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const res = await fetch(`${baseURL}/api/v1/flights?f=parquet`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.apache.parquet');
    const file = join(tmp, 'flights.parquet');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const rows = (await conn.runAndReadAll(
      `select id, callsign, origin, geometry::VARCHAR as wkt from read_parquet('${file}')`)).getRowObjectsJson();
    const fc = await getJSON(`${baseURL}/api/v1/flights`);
    // Flights may have been added between the two requests, never removed.
    assert.ok(rows.length > 0 && rows.length <= fc.features.length, `DuckDB read ${rows.length} rows, the API lists ${fc.features.length}`);
    const byId = new Map(fc.features.map((f) => [f.id, f]));
    for (const r of rows) {
      const f = byId.get(r.id);
      assert.ok(f, `row ${r.id} is not a flight the API lists`);
      assert.equal(r.callsign, f.properties.callsign);
      assert.equal(r.origin, f.properties.origin);
      assert.match(r.wkt, f.geometry.type === 'Point' ? /^POINT/ : /^LINESTRING/);
    }
    const geo = (await conn.runAndReadAll(
      `select decode(value) as v from parquet_kv_metadata('${file}') where decode(key) = 'geo'`)).getRowObjectsJson();
    assert.equal(JSON.parse(geo[0].v).columns.geometry.encoding, 'WKB');
    conn.closeSync();
  });

  it('switches the period from the form', async () => {
    await page.selectOption('#period', 'week');
    await page.waitForFunction(() => window.flightwatchReport.data && window.flightwatchReport.data.class.period === 'week',
      null, { timeout: 30000 });
    assert.match(page.url(), /period=week/);
    assert.deepEqual(consoleErrors, [], `console errors: ${consoleErrors.join('\n')}`);
  });
});
