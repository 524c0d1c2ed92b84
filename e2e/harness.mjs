// The browser tests' shared harness: a flightwatch server to test (the one at
// FLIGHTWATCH_E2E_URL, or one built from ./cmd/flightwatch and started with
// the bundled demo on a free loopback port) and a headless Debian Chromium
// (software WebGL) driven through playwright-core.
//
// Environment:
//   FLIGHTWATCH_E2E_URL       server to test (default: build and start one)
//   FLIGHTWATCH_E2E_CHROMIUM  browser binary (default /usr/bin/chromium)

import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..');
export const outDir = join(here, 'out');
const chromiumPath = process.env.FLIGHTWATCH_E2E_CHROMIUM || '/usr/bin/chromium';

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

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

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

// Polls /healthz until it answers 200, the process exits, or the deadline passes.
async function waitHealthy(baseURL, proc, logName, deadlineMs) {
  const until = Date.now() + deadlineMs;
  let lastErr = 'no answer';
  while (Date.now() < until) {
    if (proc && proc.exitCode !== null) {
      let tail = '';
      try {
        tail = readFileSync(join(outDir, logName), 'utf8').split('\n').slice(0, 8).join('\n');
      } catch { /* no log */ }
      throw new Error(`flightwatch serve exited with code ${proc.exitCode} before /healthz answered (e2e/out/${logName}):\n${tail}`);
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

// startServer returns the server to test and a stop function. Without
// FLIGHTWATCH_E2E_URL it builds the binary into tmp and starts the demo on the
// embedded store, logging to e2e/out/<logName>.
export async function startServer(tmp, logName) {
  mkdirSync(outDir, { recursive: true });
  const given = process.env.FLIGHTWATCH_E2E_URL;
  if (given) {
    const baseURL = given.replace(/\/+$/, '');
    await waitHealthy(baseURL, null, logName, 30000);
    return { baseURL, stop: async () => {} };
  }
  const bin = join(tmp, 'flightwatch');
  await promisify(execFile)('go', ['build', '-o', bin, './cmd/flightwatch'], {
    cwd: repoRoot,
    maxBuffer: 16 << 20,
  });
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const log = createWriteStream(join(outDir, logName));
  const server = spawn(bin, ['serve'], {
    cwd: repoRoot,
    env: { ...process.env, FLIGHTWATCH_LISTEN: `127.0.0.1:${port}`, FLIGHTWATCH_DEMO: '1', FLIGHTWATCH_REDIS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  const stop = async () => {
    if (server.exitCode !== null) return;
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    const t = setTimeout(() => server.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(t);
  };
  try {
    await waitHealthy(baseURL, server, logName, 60000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseURL, stop };
}

// Console errors that are expected and harmless: the optional /api/v1/meta
// endpoint may answer 404, which Chromium logs as a failed resource.
function ignorable(msg) {
  const url = (msg.location() && msg.location().url) || '';
  return msg.text().startsWith('Failed to load resource') && /\/api\/v1\/meta(\?|$)/.test(url);
}

// launchBrowser starts Chromium with a fresh profile in tmp and returns its
// context, its page and the list the page's console errors collect in;
// options are more playwright context options (isMobile, hasTouch, ...).
export async function launchBrowser(tmp, viewport = { width: 1280, height: 800 }, options = {}) {
  assert.ok(existsSync(chromiumPath), `${chromiumPath} not found: apt-get install -y chromium`);
  const context = await chromium.launchPersistentContext(join(tmp, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    ...options,
  });
  const page = context.pages()[0] || (await context.newPage());
  const consoleErrors = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !ignorable(msg)) {
      consoleErrors.push(`${msg.text()} (${(msg.location() && msg.location().url) || 'page'})`);
    }
  });
  page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
  return { context, page, consoleErrors };
}
