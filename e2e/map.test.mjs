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
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const outDir = join(here, 'out');
const chromiumPath = process.env.FLIGHTWATCH_E2E_CHROMIUM || '/usr/bin/chromium';
const alertWaitMs = Number(process.env.FLIGHTWATCH_E2E_ALERT_MS || 120000);

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-gl=angle',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--ignore-gpu-blocklist',
  '--disable-dev-shm-usage',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls /healthz until it answers 200, the process exits, or the deadline passes.
async function waitHealthy(baseURL, proc, deadlineMs) {
  const until = Date.now() + deadlineMs;
  let lastErr = 'no answer';
  while (Date.now() < until) {
    if (proc && proc.exitCode !== null) {
      let tail = '';
      try {
        tail = readFileSync(join(outDir, 'server.log'), 'utf8').split('\n').slice(0, 8).join('\n');
      } catch { /* no log */ }
      throw new Error(`flightwatch serve exited with code ${proc.exitCode} before /healthz answered (e2e/out/server.log):\n${tail}`);
    }
    try {
      const res = await fetch(`${baseURL}/healthz`);
      if (res.ok) return;
      lastErr = `status ${res.status}`;
    } catch (err) {
      lastErr = err.message;
    }
    await sleep(250);
  }
  throw new Error(`${baseURL}/healthz did not answer 200: ${lastErr}`);
}

// Console errors that are expected and harmless: the optional /api/v1/meta
// endpoint may answer 404, which Chromium logs as a failed resource.
function ignorable(msg) {
  const url = (msg.location() && msg.location().url) || '';
  return msg.text().startsWith('Failed to load resource') && /\/api\/v1\/meta(\?|$)/.test(url);
}

describe('flightwatch map', () => {
  let baseURL = process.env.FLIGHTWATCH_E2E_URL ? process.env.FLIGHTWATCH_E2E_URL.replace(/\/+$/, '') : '';
  let server = null;
  let tmp = null;
  let context = null;
  let page = null;
  const consoleErrors = [];

  before(async () => {
    mkdirSync(outDir, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'flightwatch-e2e-'));
    if (!baseURL) {
      const bin = join(tmp, 'flightwatch');
      await promisify(execFile)('go', ['build', '-o', bin, './cmd/flightwatch'], {
        cwd: repoRoot,
        maxBuffer: 16 << 20,
      });
      const port = await freePort();
      baseURL = `http://127.0.0.1:${port}`;
      const log = createWriteStream(join(outDir, 'server.log'));
      server = spawn(bin, ['serve'], {
        cwd: repoRoot,
        env: { ...process.env, FLIGHTWATCH_LISTEN: `127.0.0.1:${port}`, FLIGHTWATCH_DEMO: '1', FLIGHTWATCH_REDIS_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server.stdout.pipe(log);
      server.stderr.pipe(log);
      await waitHealthy(baseURL, server, 60000);
    } else {
      await waitHealthy(baseURL, null, 30000);
    }

    assert.ok(existsSync(chromiumPath), `${chromiumPath} not found: apt-get install -y chromium`);
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 800 },
    });
    page = context.pages()[0] || (await context.newPage());
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !ignorable(msg)) {
        consoleErrors.push(`${msg.text()} (${(msg.location() && msg.location().url) || 'page'})`);
      }
    });
    page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
  });

  after(async () => {
    if (context) await context.close().catch(() => {});
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      const t = setTimeout(() => server.kill('SIGKILL'), 10000);
      await exited;
      clearTimeout(t);
    }
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
