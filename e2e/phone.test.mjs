// Browser test of the map on a phone (390 × 844, touch) and of its keyboard
// shortcuts and contrast on a desktop: the top bar fits, the legend and the
// alerts are bottom sheets that leave the map usable, touch targets are at
// least 44 px, the shortcuts act (and not while typing), and the text and
// controls meet WCAG AA contrast. Screenshots go to e2e/out/phone-*.png.
//
// Environment: as map.test.mjs (FLIGHTWATCH_E2E_URL, FLIGHTWATCH_E2E_CHROMIUM,
// FLIGHTWATCH_E2E_ALERT_MS).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outDir, startServer, launchBrowser } from './harness.mjs';
import { pageContrast, sourcePairs } from './contrast.mjs';

const alertWaitMs = Number(process.env.FLIGHTWATCH_E2E_ALERT_MS || 120000);
const PHONE = { width: 390, height: 844 };
// How long a tap or key may take to show its effect (software WebGL on a busy machine is slow).
const UI_MS = 30000;

// Loads the map and waits for it to be idle.
async function openMap(page, baseURL) {
  const res = await page.goto(`${baseURL}/`, { waitUntil: 'load' });
  assert.equal(res.status(), 200, `GET / = ${res.status()}, want 200`);
  await page.waitForFunction(() => window.flightwatch && window.flightwatch.map, null, { timeout: 30000 });
  await page.evaluate(() => window.flightwatch.ready);
  await page.waitForSelector('body[data-map-idle="1"]', { timeout: 60000 });
}

// The map's rectangle and the part of it the shown sheets cover.
function coverage(page) {
  return page.evaluate(() => {
    const m = document.getElementById('map').getBoundingClientRect();
    let area = 0;
    let top = m.bottom;
    for (const el of document.querySelectorAll('.sheet, .sheet-bar')) {
      if (el.hidden) continue;
      const r = el.getBoundingClientRect();
      const w = Math.max(0, Math.min(r.right, m.right) - Math.max(r.left, m.left));
      const h = Math.max(0, Math.min(r.bottom, m.bottom) - Math.max(r.top, m.top));
      area += w * h;
      if (w * h > 0) top = Math.min(top, r.top);
    }
    return {
      covered: area / (m.width * m.height),
      // The share of the map's height above the highest sheet.
      clear: (top - m.top) / m.height,
      open: [...document.querySelectorAll('.sheet[data-sheet-open]')].map((el) => el.id),
    };
  });
}

// Waits until the map has stopped moving.
function settled(page) {
  return page.evaluate(() => new Promise((r) => {
    const { map } = window.flightwatch;
    if (!map.isMoving()) r();
    else map.once('moveend', () => r());
  }));
}

describe('flightwatch map on a phone', () => {
  let baseURL = '';
  let server = null;
  let tmp = null;
  let context = null;
  let page = null;
  let consoleErrors = [];

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flightwatch-phone-'));
    server = await startServer(tmp, 'server-phone.log');
    baseURL = server.baseURL;
    mkdirSync(join(tmp, 'phone'));
    ({ context, page, consoleErrors } = await launchBrowser(join(tmp, 'phone'), PHONE, { isMobile: true, hasTouch: true, deviceScaleFactor: 2 }));
    await openMap(page, baseURL);
  });

  after(async () => {
    if (context) await context.close().catch(() => {});
    if (server) await server.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('fits the width: no horizontal overflow, the top bar wraps', async () => {
    const o = await page.evaluate(() => {
      const vw = window.innerWidth;
      const over = [];
      for (const el of document.querySelectorAll('.topbar, .topbar *')) {
        const r = el.getBoundingClientRect();
        if (r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5)) over.push(`${el.tagName.toLowerCase()}#${el.id} ${Math.round(r.left)}..${Math.round(r.right)}`);
      }
      const bar = document.querySelector('.topbar');
      return { vw, doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, bar: bar.scrollWidth, barClient: bar.clientWidth, over };
    });
    assert.equal(o.vw, PHONE.width, 'viewport width');
    assert.ok(o.doc <= o.vw, `document scrollWidth ${o.doc} > viewport ${o.vw}`);
    assert.ok(o.body <= o.vw, `body scrollWidth ${o.body} > viewport ${o.vw}`);
    assert.ok(o.bar <= o.barClient, `top bar scrollWidth ${o.bar} > its width ${o.barClient}`);
    assert.deepEqual(o.over, [], 'top bar elements outside the viewport');
  });

  it('has touch targets of at least 44 px', async () => {
    const small = await page.evaluate(() => [...document.querySelectorAll('button, select, .maplibregl-ctrl-attrib-button')]
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0)
      .filter(({ r }) => r.width < 43.5 || r.height < 43.5)
      .map(({ el, r }) => `${el.tagName.toLowerCase()}#${el.id}.${el.className} ${r.width.toFixed(0)}×${r.height.toFixed(0)}`));
    assert.deepEqual(small, [], 'touch targets smaller than 44 × 44 px');
  });

  it('starts with the sheets collapsed to handles covering < 25% of the map', async () => {
    const handles = await page.$$eval('.sheet-bar > .sheet-handle', (hs) => hs.filter((h) => !h.hidden).map((h) => h.textContent.trim()));
    assert.ok(handles.some((t) => t.startsWith('Legend')), `handles ${JSON.stringify(handles)} lack Legend`);
    assert.ok(handles.some((t) => t.startsWith('Alerts')), `handles ${JSON.stringify(handles)} lack Alerts`);
    const c = await coverage(page);
    assert.deepEqual(c.open, [], 'open sheets at start');
    assert.ok(c.covered < 0.25, `collapsed sheets cover ${(c.covered * 100).toFixed(1)}% of the map, want < 25%`);
    assert.equal(await page.isVisible('#alerts-panel'), false, 'the alerts panel shows while its sheet is collapsed');
    assert.equal(await page.isVisible('#reports-control'), false, 'the legend shows while its sheet is collapsed');
    await page.screenshot({ path: join(outDir, 'phone-collapsed.png') });
  });

  it('keeps the map usable with the sheets collapsed: tap zoom, drag pan', async () => {
    await settled(page);
    const z0 = await page.evaluate(() => window.flightwatch.map.getZoom());
    await page.tap('.maplibregl-ctrl-zoom-in');
    await page.waitForFunction((z) => window.flightwatch.map.getZoom() > z + 0.5 && !window.flightwatch.map.isMoving(), z0, { timeout: UI_MS, polling: 100 });
    const c0 = await page.evaluate(() => window.flightwatch.map.getCenter().toArray());
    const box = await page.$eval('#map', (el) => { const r = el.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 3 }; });
    await page.mouse.move(box.x, box.y);
    await page.mouse.down();
    for (let i = 1; i <= 8; i += 1) await page.mouse.move(box.x - i * 15, box.y + i * 10);
    await page.mouse.up();
    await settled(page);
    const c1 = await page.evaluate(() => window.flightwatch.map.getCenter().toArray());
    assert.ok(Math.abs(c1[0] - c0[0]) + Math.abs(c1[1] - c0[1]) > 1e-3, `drag did not pan: center ${c0} → ${c1}`);
  });

  it('opens the alerts sheet with alerts, keeping ≥ 40% of the map visible', async () => {
    await page.waitForFunction(() => document.querySelectorAll('#alerts li .alert-item').length > 0, null, { timeout: alertWaitMs, polling: 500 });
    await page.tap('#btn-alerts');
    await page.waitForSelector('#alerts-panel[data-sheet-open]', { timeout: UI_MS });
    assert.equal(await page.getAttribute('#btn-alerts', 'aria-expanded'), 'true', 'alerts button aria-expanded');
    const first = await page.$eval('#alerts li .alert-item', (el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, h: r.height, vh: window.innerHeight, text: el.textContent.trim() };
    });
    assert.ok(first.h > 0 && first.top >= 0 && first.bottom <= first.vh, `first alert not on screen: ${JSON.stringify(first)}`);
    assert.notEqual(first.text, '', 'first alert has no text');
    const c = await coverage(page);
    assert.deepEqual(c.open, ['alerts-panel'], 'open sheets');
    assert.ok(c.clear >= 0.4, `map visible above the sheet ${(c.clear * 100).toFixed(1)}%, want ≥ 40%`);
    await page.screenshot({ path: join(outDir, 'phone-alerts.png') });
  });

  it('keeps one sheet open at a time; tap and drag on a handle toggle it', async () => {
    await page.tap('#sheet-handle-reports-control');
    await page.waitForSelector('#reports-control[data-sheet-open]', { timeout: UI_MS });
    let c = await coverage(page);
    assert.deepEqual(c.open, ['reports-control'], 'open sheets after tapping the legend handle');
    assert.ok(c.clear >= 0.4, `map visible above the legend ${(c.clear * 100).toFixed(1)}%, want ≥ 40%`);
    assert.equal(await page.getAttribute('#btn-alerts', 'aria-expanded'), 'false', 'alerts button aria-expanded after the legend opened');
    assert.ok(await page.isVisible('#window'), 'the report window select is not visible in the open legend');
    await page.screenshot({ path: join(outDir, 'phone-legend.png') });
    // Drag the legend's handle down (20 px: it is at the bottom of the screen): it collapses.
    const h = await page.$eval('#sheet-handle-reports-control', (el) => { const r = el.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; });
    await page.mouse.move(h.x, h.y);
    await page.mouse.down();
    for (let i = 1; i <= 5; i += 1) await page.mouse.move(h.x, h.y + i * 4);
    await page.mouse.up();
    await page.waitForSelector('#reports-control:not([data-sheet-open])', { state: 'attached', timeout: UI_MS });
    // Drag the alerts handle up: it opens.
    const a = await page.$eval('#sheet-handle-alerts-panel', (el) => { const r = el.getBoundingClientRect(); return { x: r.left + r.width / 2, y: r.top + r.height / 2 }; });
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    for (let i = 1; i <= 6; i += 1) await page.mouse.move(a.x, a.y - i * 12);
    await page.mouse.up();
    await page.waitForSelector('#alerts-panel[data-sheet-open]', { timeout: UI_MS });
    c = await coverage(page);
    assert.deepEqual(c.open, ['alerts-panel'], 'open sheets after dragging the alerts handle up');
    // The close button inside the sheet collapses it back to its handle.
    await page.tap('#alerts-close');
    await page.waitForSelector('#alerts-panel:not([data-sheet-open])', { state: 'attached', timeout: UI_MS });
    assert.equal(await page.isVisible('#sheet-handle-alerts-panel'), true, 'alerts handle gone after closing the sheet');
  });

  it('meets WCAG AA contrast on the phone layout', async () => {
    await page.tap('#sheet-handle-alerts-panel');
    await page.waitForSelector('#alerts-panel[data-sheet-open]', { timeout: UI_MS });
    const bad = await page.evaluate(pageContrast);
    assert.deepEqual(bad, [], 'contrast below WCAG AA');
    assert.deepEqual(consoleErrors, [], `console errors:\n${consoleErrors.join('\n')}`);
  });

  describe('keyboard shortcuts on a desktop', () => {
    let dctx = null;
    let desk = null;
    let deskErrors = [];

    before(async () => {
      if (context) await context.close().catch(() => {});
      context = null;
      mkdirSync(join(tmp, 'desk'));
      ({ context: dctx, page: desk, consoleErrors: deskErrors } = await launchBrowser(join(tmp, 'desk')));
      await openMap(desk, baseURL);
    });

    after(async () => {
      if (dctx) await dctx.close().catch(() => {});
    });

    it('a toggles the alerts panel, Esc closes it', async () => {
      assert.equal(await desk.isVisible('#alerts-panel'), true, 'alerts panel hidden at start on a desktop');
      await desk.locator('body').press('a');
      await desk.waitForSelector('#alerts-panel', { state: 'hidden', timeout: UI_MS });
      assert.equal(await desk.getAttribute('#btn-alerts', 'aria-expanded'), 'false', 'aria-expanded after a');
      await desk.keyboard.press('a');
      await desk.waitForSelector('#alerts-panel', { state: 'visible', timeout: UI_MS });
      await desk.keyboard.press('Escape');
      await desk.waitForSelector('#alerts-panel', { state: 'hidden', timeout: UI_MS });
      await desk.keyboard.press('a');
      await desk.waitForSelector('#alerts-panel', { state: 'visible', timeout: UI_MS });
    });

    it('ignores shortcuts while typing in a field', async () => {
      await desk.focus('#alert-filter');
      await desk.keyboard.press('l');
      await desk.keyboard.press('a');
      assert.equal(await desk.isVisible('#alerts-panel'), true, 'a in a select hid the alerts');
      assert.equal(await desk.isVisible('#reports-control'), true, 'l in a select hid the legend');
      // The keys went to the select (its type-ahead): put it back.
      await desk.selectOption('#alert-filter', '');
      await desk.evaluate(() => document.activeElement.blur());
    });

    it('l toggles the legend', async () => {
      await desk.keyboard.press('l');
      await desk.waitForSelector('#reports-control', { state: 'hidden', timeout: UI_MS });
      await desk.keyboard.press('l');
      await desk.waitForSelector('#reports-control', { state: 'visible', timeout: UI_MS });
    });

    it('+ and - zoom', async () => {
      await settled(desk);
      const z0 = await desk.evaluate(() => window.flightwatch.map.getZoom());
      await desk.keyboard.press('+');
      await desk.waitForFunction((z) => window.flightwatch.map.getZoom() > z + 0.5 && !window.flightwatch.map.isMoving(), z0, { timeout: UI_MS, polling: 100 });
      await desk.keyboard.press('-');
      await desk.waitForFunction((z) => Math.abs(window.flightwatch.map.getZoom() - z) < 0.01 && !window.flightwatch.map.isMoving(), z0, { timeout: UI_MS, polling: 100 });
    });

    it('? opens the help; Esc closes it; the About panel lists the shortcuts', async () => {
      await desk.keyboard.press('?');
      await desk.waitForSelector('#keys-help', { state: 'visible', timeout: UI_MS });
      const keys = await desk.$$eval('#keys-help kbd', (ks) => ks.map((k) => k.textContent));
      for (const k of ['a', 'l', 'f', '+', 'Esc', '?']) assert.ok(keys.includes(k), `help ${JSON.stringify(keys)} lacks ${k}`);
      await desk.screenshot({ path: join(outDir, 'phone-desktop-help.png') });
      // Modal: a does nothing while the help is open.
      await desk.keyboard.press('a');
      assert.equal(await desk.isVisible('#alerts-panel'), true, 'a acted behind the open help');
      await desk.keyboard.press('Escape');
      await desk.waitForSelector('#keys-help', { state: 'hidden', timeout: UI_MS });
      assert.equal(await desk.isVisible('#alerts-panel'), true, 'the Esc that closed the help also closed the alerts');
      await desk.click('#btn-info');
      const about = await desk.$$eval('#info-panel #about-keys kbd', (ks) => ks.map((k) => k.textContent));
      assert.ok(about.includes('f') && about.includes('Esc'), `About lists ${JSON.stringify(about)}`);
      await desk.keyboard.press('Escape');
      await desk.waitForSelector('#info-panel', { state: 'hidden', timeout: UI_MS });
    });

    it('f follows the clicked aircraft; Esc stops and clears the selection', async () => {
      // Find an aircraft on screen (moving the map to one when none is).
      const pick = () => desk.evaluate(() => {
        const { map } = window.flightwatch;
        const f = map.queryRenderedFeatures({ layers: ['aircraft'] })[0];
        if (!f) return null;
        const p = map.project(f.geometry.coordinates);
        return { hex: f.properties.hex, x: p.x, y: p.y };
      });
      let a = await pick();
      if (!a) {
        const fc = await (await fetch(`${baseURL}/api/v1/aircraft`)).json();
        const f = (fc.features || []).find((x) => x.geometry && x.geometry.type === 'Point');
        assert.ok(f, 'the demo has no aircraft');
        await desk.evaluate((c) => window.flightwatch.map.jumpTo({ center: c, zoom: 6 }), f.geometry.coordinates);
        await desk.waitForFunction(() => window.flightwatch.map.queryRenderedFeatures({ layers: ['aircraft'] }).length > 0, null, { timeout: 30000, polling: 250 });
        a = await pick();
      }
      const m = await desk.$eval('#map', (el) => { const r = el.getBoundingClientRect(); return { x: r.left, y: r.top }; });
      await desk.mouse.click(m.x + a.x, m.y + a.y);
      await desk.waitForFunction(() => window.flightwatch.keys.selected !== null, null, { timeout: UI_MS, polling: 100 });
      const hex = await desk.evaluate(() => window.flightwatch.keys.selected);
      await desk.locator('body').press('f');
      assert.equal(await desk.evaluate(() => window.flightwatch.keys.followed), hex, 'f did not follow the selected aircraft');
      assert.equal(await desk.isVisible('#follow-chip'), true, 'no "following" notice');
      await desk.keyboard.press('Escape');
      assert.equal(await desk.evaluate(() => window.flightwatch.keys.followed), null, 'still following after Esc');
      assert.equal(await desk.evaluate(() => window.flightwatch.keys.selected), null, 'selection not cleared by Esc');
      assert.equal(await desk.isVisible('#follow-chip'), false, '"following" notice after Esc');
    });

    it('meets WCAG AA contrast on the desktop layout', async () => {
      await desk.keyboard.press('a');
      await desk.click('#btn-info');
      await desk.waitForSelector('#info-panel', { state: 'visible', timeout: UI_MS });
      const bad = await desk.evaluate(pageContrast);
      assert.deepEqual(bad, [], 'contrast below WCAG AA');
      assert.deepEqual(deskErrors, [], `console errors:\n${deskErrors.join('\n')}`);
    });
  });
});

describe('the theme colours', () => {
  it('meet WCAG AA in style.css and alerts.js', () => {
    const bad = sourcePairs().filter((p) => p.ratio < p.min).map((p) => `${p.what}: ${p.fg} on ${p.bg} = ${p.ratio.toFixed(2)}, want ≥ ${p.min}`);
    assert.deepEqual(bad, []);
  });
});
