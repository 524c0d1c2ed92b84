// Browser test of predicted destinations on the map: in the demo, each
// airborne watched flight gets a dotted line to its predicted field, and a
// click on the line shows the field, the basis and the confidence.
//
// Starts `flightwatch serve` with the bundled demo on a free loopback port
// (or uses FLIGHTWATCH_E2E_URL) and drives Debian's Chromium headless.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, mkdirSync, rmSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const outDir = join(here, 'out');
const chromiumPath = process.env.FLIGHTWATCH_E2E_CHROMIUM || '/usr/bin/chromium';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

async function waitHealthy(baseURL, proc) {
  const until = Date.now() + 60000;
  while (Date.now() < until) {
    if (proc && proc.exitCode !== null) throw new Error(`flightwatch serve exited with ${proc.exitCode} (e2e/out/prediction-server.log)`);
    try {
      if ((await fetch(`${baseURL}/healthz`)).ok) return;
    } catch { /* not yet */ }
    await sleep(250);
  }
  throw new Error(`${baseURL}/healthz did not answer`);
}

describe('predicted destinations on the map', () => {
  let baseURL = process.env.FLIGHTWATCH_E2E_URL ? process.env.FLIGHTWATCH_E2E_URL.replace(/\/+$/, '') : '';
  let server = null;
  let tmp = null;
  let context = null;
  let page = null;
  const errors = [];

  before(async () => {
    mkdirSync(outDir, { recursive: true });
    tmp = mkdtempSync(join(tmpdir(), 'flightwatch-e2e-pred-'));
    if (!baseURL) {
      const bin = join(tmp, 'flightwatch');
      await promisify(execFile)('go', ['build', '-o', bin, './cmd/flightwatch'], { cwd: repoRoot, maxBuffer: 16 << 20 });
      const port = await freePort();
      baseURL = `http://127.0.0.1:${port}`;
      const log = createWriteStream(join(outDir, 'prediction-server.log'));
      server = spawn(bin, ['serve'], {
        cwd: repoRoot,
        env: { ...process.env, FLIGHTWATCH_LISTEN: `127.0.0.1:${port}`, FLIGHTWATCH_DEMO: '1', FLIGHTWATCH_REDIS_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      server.stdout.pipe(log);
      server.stderr.pipe(log);
    }
    await waitHealthy(baseURL, server);
    context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
      executablePath: chromiumPath,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--use-gl=angle', '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist', '--disable-dev-shm-usage', '--no-first-run'],
      viewport: { width: 1280, height: 800 },
    });
    page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !/\/api\/v1\/meta/.test((msg.location() && msg.location().url) || '')) errors.push(msg.text());
    });
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
