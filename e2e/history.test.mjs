// Browser test of the flight panel and the history slider, against the
// demo: REACH 538 (ae5a38) leaves Miramar (KNKX) for Bogota, turns back
// over the Gulf and lands in Houston.
//
// Environment: as map.test.mjs (FLIGHTWATCH_E2E_URL, FLIGHTWATCH_E2E_CHROMIUM).

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outDir, startServer, launchBrowser } from './harness.mjs';
import { rangeSpan, storedPerRealMs } from '../static/web/history.js';
import { destinationText, predictionText, legExportURL } from '../static/web/panel.js';
import { upsertAircraft, liveTrailFeatures, flownBy } from '../static/web/aircraft.js';

const HEX = 'ae5a38';
// Each demo pass takes about four minutes; REACH 538 flies for about three.
const FLIGHT_WAIT_MS = 330000;

/** Waits for the map to draw what it was given. */
async function idle(page) {
  await page.evaluate(() => new Promise((r) => {
    const { map } = window.flightwatch;
    map.once('idle', r);
    map.triggerRepaint();
  }));
}

/** The rendered [lon, lat] of the aircraft, or null. */
function renderedAt(page, hex) {
  return page.evaluate((h) => {
    const f = window.flightwatch.map.queryRenderedFeatures({ layers: ['aircraft'] }).find((x) => x.properties.hex === h);
    return f ? f.geometry.coordinates : null;
  }, hex);
}

/** The position on a track Feature (LineString and per-point times) at Unix ms t. */
function trackAt(track, t) {
  const coords = track.geometry.coordinates;
  const times = (track.properties.times || []).map((s) => Date.parse(s));
  assert.equal(times.length, coords.length, 'track without a time per point');
  for (let i = 1; i < coords.length; i++) {
    if (times[i] >= t && times[i - 1] <= t) {
      const f = times[i] === times[i - 1] ? 0 : (t - times[i - 1]) / (times[i] - times[i - 1]);
      return [coords[i - 1][0] + (coords[i][0] - coords[i - 1][0]) * f, coords[i - 1][1] + (coords[i][1] - coords[i - 1][1]) * f];
    }
  }
  return null;
}

const dist = (a, b) => Math.hypot(a[0] - b[0], a[1] - b[1]);

describe('history and panel helpers', () => {
  const H = 3600000;
  const now = Date.parse('2026-12-02T14:00:00Z');
  it('spans the last hours, a day and the demo pass', () => {
    assert.deepEqual(rangeSpan('3h', '', now, null), [now - 3 * H, now]);
    assert.deepEqual(rangeSpan('day', '2026-12-01', now, null), [Date.parse('2026-12-01T00:00:00Z'), Date.parse('2026-12-02T00:00:00Z')]);
    assert.deepEqual(rangeSpan('day', '2026-12-02', now, null), [Date.parse('2026-12-02T00:00:00Z'), now]);
    assert.equal(rangeSpan('day', '2026-12-03', now, null), null, 'a day in the future has no span');
    assert.equal(rangeSpan('day', 'tuesday', now, null), null);
    assert.equal(rangeSpan('pass', '', now, null), null, 'no pass outside the demo');
    assert.equal(rangeSpan('7x', '', now, null), null);
    // The demo: 60× from 2025-01-24T14:00Z at a pass that began 4 min ago.
    const sc = { pass: 2, start: Date.parse('2025-01-24T14:00:00Z'), passStart: now - 240000, speed: 60 };
    assert.deepEqual(rangeSpan('pass', '', now, sc), [now - 240000, now]);
    assert.deepEqual(rangeSpan('1h', '', now, sc), [now - 60000, now], 'one scenario hour is a wall minute');
    assert.deepEqual(rangeSpan('24h', '', now, sc), [now - 240000, now], 'the span begins no earlier than the pass');
    assert.deepEqual(rangeSpan('day', '2025-01-24', now, sc), [now - 240000, now]);
    assert.equal(rangeSpan('day', '2025-01-25', now, sc), null, 'the scenario has not reached the 25th');
    assert.equal(storedPerRealMs(600, sc), 10);
    assert.equal(storedPerRealMs(10, null), 10);
  });
  it('cuts the trails at the viewed time', () => {
    const t0 = Date.parse('2026-12-02T14:00:00Z');
    for (let i = 0; i < 100; i++) {
      upsertAircraft([{ type: 'Feature', geometry: { type: 'Point', coordinates: [-100 + i * 0.01, 30] },
        properties: { hex: 'abc123', alt_ft: 1000 + i * 200, seen: new Date(t0 + i * 1000).toISOString() } }]);
    }
    const mine = (until) => liveTrailFeatures(() => true, until).filter((f) => f.properties.hex === 'abc123');
    const cut = t0 + 40500;
    const part = mine(cut);
    assert.ok(part.length > 0, 'no trail before the viewed time');
    assert.equal(part[part.length - 1].properties.until, new Date(t0 + 40000).toISOString(), 'the trail does not end at the last point flown by then');
    assert.deepEqual(part[part.length - 1].geometry.coordinates.at(-1), [-100 + 40 * 0.01, 30]);
    assert.equal(mine(t0 - 1).length, 0, 'a trail drawn before the aircraft flew');
    assert.equal(mine(null).at(-1).properties.until, new Date(t0 + 99000).toISOString());
    assert.deepEqual([flownBy([1, 2, 3], null), flownBy([1, 2, 3], 2), flownBy([1, 2, 3], 0)], [3, 2, 0]);
  });
  it('words a leg\'s destination, prediction and export links', () => {
    assert.equal(destinationText({ actual_destination: 'KEFD', planned_destination: 'SKBO' }), 'KEFD (planned SKBO)');
    assert.equal(destinationText({ planned_destination: 'SKBO' }), 'SKBO (planned)');
    assert.equal(destinationText({ predicted_destination: 'MGGT' }), 'MGGT (predicted)');
    assert.equal(destinationText({}), 'unknown');
    assert.equal(predictionText({ predicted_destination: 'MSLP', predicted_confidence: 0.75, predicted_basis: 'history' }), 'MSLP 75%, from its earlier flights');
    assert.equal(predictionText({}), '');
    const u = new URL(legExportURL("ae5a38-17'9", 'kml'), 'http://x');
    assert.equal(u.searchParams.get('filter'), "id = 'ae5a38-17''9'");
    assert.equal(u.searchParams.get('f'), 'kml');
  });
});

describe('flight panel and history', () => {
  let baseURL = '';
  let server = null;
  let tmp = null;
  let context = null;
  let page = null;
  let consoleErrors = [];
  let legStart = 0;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flightwatch-e2e-'));
    server = await startServer(tmp, 'history-server.log');
    baseURL = server.baseURL;
    ({ context, page, consoleErrors } = await launchBrowser(tmp));
    await page.goto(`${baseURL}/`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.flightwatch && window.flightwatch.map, null, { timeout: 30000 });
    await page.evaluate(() => window.flightwatch.ready);
    await page.waitForSelector('body[data-map-idle="1"]', { timeout: 60000 });
  });

  after(async () => {
    if (context) await context.close().catch(() => {});
    if (server) await server.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('clicking REACH 538 opens its panel with origin and alerts', async () => {
    // Wait until it has flown for a minute and a half of wall time (90 min
    // of scenario), so that the past below is part of this leg.
    await page.waitForFunction((h) => {
      const a = window.flightwatch.aircraft.get(h);
      if (!a || a.properties.on_ground === true) return false;
      const start = Date.parse(a.properties.leg_start);
      return Number.isFinite(start) && Date.now() - start > 90000;
    }, HEX, { timeout: FLIGHT_WAIT_MS, polling: 500 });
    legStart = await page.evaluate((h) => Date.parse(window.flightwatch.aircraft.get(h).properties.leg_start), HEX);

    // Centre the map on it and click its icon.
    let selected = false;
    for (let i = 0; i < 5 && !selected; i++) {
      const held = await page.evaluate((h) => window.flightwatch.aircraft.get(h)?.geometry.coordinates, HEX);
      const at = held || (await (await fetch(`${baseURL}/api/v1/aircraft/${HEX}`)).json()).geometry.coordinates;
      await page.evaluate((c) => window.flightwatch.map.jumpTo({ center: c, zoom: 6 }), at);
      await idle(page);
      const px = await page.waitForFunction((h) => {
        const { map } = window.flightwatch;
        const f = map.queryRenderedFeatures({ layers: ['aircraft'] }).find((x) => x.properties.hex === h);
        if (!f) return null;
        const p = map.project(f.geometry.coordinates);
        const r = map.getContainer().getBoundingClientRect();
        return { x: r.left + p.x, y: r.top + p.y };
      }, HEX, { timeout: 15000, polling: 100 }).then((h) => h.jsonValue(), () => null);
      if (!px) continue;
      await page.mouse.click(px.x, px.y);
      selected = await page.waitForFunction(() => !document.getElementById('flight-panel').hidden, null, { timeout: 3000 })
        .then(() => true, () => false);
    }
    assert.ok(selected, 'clicking RCH538 did not open the flight panel');
    await page.waitForFunction(() => window.flightwatch.flightPanel.loads > 0, null, { timeout: 30000 });
    const shown = await page.evaluate(() => ({
      title: document.getElementById('flight-title').textContent,
      origin: document.querySelector('#flight-panel .fp-origin')?.textContent,
      dest: document.querySelector('#flight-panel .fp-dest')?.textContent,
      alerts: [...document.querySelectorAll('#flight-panel .fp-alert')].map((li) => li.dataset.type),
      links: [...document.querySelectorAll('#flight-panel .fp-links a')].map((a) => a.getAttribute('href')),
    }));
    assert.equal(shown.title, 'RCH538');
    assert.equal(shown.origin, 'KNKX', `origin ${shown.origin}`);
    assert.match(shown.dest, /SKBO/, `destination ${shown.dest} does not name the planned SKBO`);
    assert.ok(shown.alerts.includes('departed'), `alerts ${shown.alerts} lack departed`);
    assert.equal(shown.links.length, 2, `links ${shown.links}`);
    // The GeoJSON link answers this leg and nothing else.
    const fc = await (await fetch(baseURL + shown.links[0])).json();
    assert.equal(fc.features.length, 1, `GeoJSON link answered ${fc.features.length} legs`);
    assert.equal(fc.features[0].properties.hex, HEX);
    assert.equal(Date.parse(fc.features[0].properties.first_seen), legStart, 'GeoJSON link is not the current leg');
    const kml = await fetch(baseURL + shown.links[1]);
    assert.equal(kml.status, 200);
    assert.match(await kml.text(), /<kml/);
    assert.equal(await page.evaluate(() => window.flightwatch.selectedHex()), HEX);
  });

  it('the history slider moves the aircraft back to where the stored track had it', async () => {
    // Zoom out so that the last hour and a half of its flight is in view.
    await page.evaluate((h) => window.flightwatch.map.jumpTo({ center: window.flightwatch.aircraft.get(h).geometry.coordinates, zoom: 4 }), HEX);
    await idle(page);
    const liveBefore = await renderedAt(page, HEX);
    assert.ok(liveBefore, 'RCH538 is not rendered live');
    // A time 30 s (wall) after the leg began: on this leg, far from now.
    const t = await page.evaluate((start) => {
      const s = document.getElementById('hist-slider');
      const v = Math.max(Number(s.min), Math.round((start + 30000) / 1000) * 1000);
      s.value = String(v);
      s.dispatchEvent(new Event('input', { bubbles: true }));
      return Number(s.value);
    }, legStart);
    assert.equal(await page.evaluate(() => window.flightwatch.viewTime()), t, 'the slider did not set the viewed time');
    await page.waitForFunction((at) => window.flightwatch.history.shownAt === at, t, { timeout: 30000, polling: 100 });
    const inPast = await page.waitForFunction((h) => window.flightwatch.history.features.some((f) => f.id === h), HEX, { timeout: 10000 })
      .then(() => true, () => false);
    if (!inPast) {
      const seen = await page.evaluate(() => ({ ids: window.flightwatch.history.features.map((f) => f.id), at: window.flightwatch.history.shownAt, view: window.flightwatch.viewTime(), center: window.flightwatch.map.getCenter(), zoom: window.flightwatch.map.getZoom() }));
      assert.fail(`RCH538 is not among the aircraft at ${new Date(t).toISOString()} (leg from ${new Date(legStart).toISOString()}): ${JSON.stringify(seen)}`);
    }
    await idle(page);
    const past = await renderedAt(page, HEX);
    assert.ok(past, 'RCH538 is not rendered at the viewed time');
    const track = await (await fetch(`${baseURL}/api/v1/aircraft/${HEX}/track?since=${new Date(legStart).toISOString()}`)).json();
    const want = trackAt(track, t);
    assert.ok(want, `the stored track does not cover ${new Date(t).toISOString()}`);
    assert.ok(dist(past, want) < 0.05, `rendered at ${past}, the stored track has ${want} at ${new Date(t).toISOString()}`);
    assert.ok(dist(past, liveBefore) > 0.5, `past position ${past} is the live one ${liveBefore}`);
    const label = await page.textContent('#hist-time');
    assert.match(label, /scenario/, `slider time ${label} is not a scenario time`);

    // The flight panel's live rows are those of the viewed time.
    const histAlt = await page.evaluate((h) => window.flightwatch.history.features.find((f) => f.id === h).properties.alt_ft, HEX);
    assert.ok(Number.isFinite(histAlt) && histAlt > 0, `the history answer has altitude ${histAlt} for RCH538 in flight`);
    const wantAlt = `${Math.round(histAlt).toLocaleString('en')} ft`;
    const panelAlt = await page.waitForFunction((want) => {
      const dts = [...document.querySelectorAll('#fp-live dt')];
      const dt = dts.find((d) => d.textContent === 'Altitude');
      const v = dt && dt.nextElementSibling ? dt.nextElementSibling.textContent : null;
      return v === want ? v : false;
    }, wantAlt, { timeout: 10000, polling: 100 }).then((h) => h.jsonValue(), async () => page.$eval('#fp-live', (e) => e.textContent));
    assert.equal(panelAlt, wantAlt, `the panel's altitude is not the history point's ${wantAlt}`);
    assert.match(await page.textContent('#fp-now-h'), /^At .*scenario/, 'the live rows are not titled with the viewed time');

    // Its trail ends at or before the viewed time, on a point of its stored track.
    const trail = await page.evaluate(async (h) => {
      const fc = await window.flightwatch.map.getSource('trails').getData();
      const f = fc.features.find((x) => x.properties.hex === h);
      return f ? { until: f.properties.until, last: f.geometry.coordinates[f.geometry.coordinates.length - 1], n: f.geometry.coordinates.length } : null;
    }, HEX);
    assert.ok(trail, 'RCH538 has no trail drawn at the viewed time');
    assert.ok(Date.parse(trail.until) <= t, `the trail runs to ${trail.until}, past the viewed ${new Date(t).toISOString()}`);
    // Stored times have whole seconds: the stored point nearest the trail's
    // end is one flown by the viewed time.
    let near = -1;
    track.geometry.coordinates.forEach((c, i) => { if (near < 0 || dist(c, trail.last) < dist(track.geometry.coordinates[near], trail.last)) near = i; });
    const nearTime = Date.parse(track.properties.times[near]);
    assert.ok(dist(track.geometry.coordinates[near], trail.last) < 0.05 && nearTime <= t,
      `the trail ends at ${trail.last}, nearest the stored point ${track.geometry.coordinates[near]} of ${track.properties.times[near]}, past the viewed ${new Date(t).toISOString()}`);
    const liveTrails = await page.evaluate(async () => (await window.flightwatch.map.getSource('live-trails').getData()).features
      .map((f) => f.properties.until));
    assert.ok(liveTrails.every((u) => Date.parse(u) <= t), `live trails run past the viewed time: ${liveTrails.filter((u) => Date.parse(u) > t)}`);
    // No live predictions over the past.
    const predVis = await page.evaluate(() => ['prediction-lines', 'prediction-fields']
      .filter((id) => window.flightwatch.map.getLayer(id)).map((id) => window.flightwatch.map.getLayoutProperty(id, 'visibility')));
    assert.ok(predVis.length > 0 && predVis.every((v) => v === 'none'), `prediction layers ${predVis} shown over the past`);
    await page.screenshot({ path: join(outDir, 'history.png') });

    // Live updates go on arriving but do not move it while the past is shown.
    const t1 = Date.now();
    const updates = await page.evaluate(() => window.flightwatch.stats.aircraftUpdates);
    await page.waitForFunction((n) => window.flightwatch.stats.aircraftUpdates > n + 2, updates, { timeout: 30000, polling: 250 });
    await idle(page);
    const stillPast = await renderedAt(page, HEX);
    assert.ok(stillPast && dist(stillPast, past) < 1e-6, `live updates moved the past position ${past} to ${stillPast}`);

    console.log(`# live updates while viewing the past: ${Date.now() - t1} ms`);
    // Live: it is drawn where the stream has it now, and moves on.
    await page.click('#hist-live');
    assert.equal(await page.evaluate(() => window.flightwatch.viewTime()), null, 'Live left a viewed time');
    // It is drawn where the stream has it (within what it flies between a
    // message and its redraw on this shared machine: 0.3°).
    const live1 = await page.waitForFunction((h) => {
      const { map, aircraft } = window.flightwatch;
      const f = map.queryRenderedFeatures({ layers: ['aircraft'] }).find((x) => x.properties.hex === h);
      const c = aircraft.get(h)?.geometry.coordinates;
      if (!f || !c) return null;
      const r = f.geometry.coordinates;
      return Math.hypot(r[0] - c[0], r[1] - c[1]) < 0.3 ? r : null;
    }, HEX, { timeout: 15000, polling: 100 }).then((h) => h.jsonValue(), () => null);
    if (!live1) {
      const now = await page.evaluate((h) => ({ drawn: window.flightwatch.map.queryRenderedFeatures({ layers: ['aircraft'] }).find((x) => x.properties.hex === h)?.geometry.coordinates, held: window.flightwatch.aircraft.get(h)?.geometry.coordinates }), HEX);
      assert.fail(`after Live it is drawn at ${now.drawn}, the stream has it at ${now.held} (past: ${past})`);
    }
    assert.ok(dist(live1, past) > 0.5, 'after Live it is still at the past position');
    await page.waitForFunction((args) => {
      const f = window.flightwatch.map.queryRenderedFeatures({ layers: ['aircraft'] }).find((x) => x.properties.hex === args.h);
      return f && Math.hypot(f.geometry.coordinates[0] - args.c[0], f.geometry.coordinates[1] - args.c[1]) > 0.01;
    }, { h: HEX, c: live1 }, { timeout: 30000, polling: 250 });
  });

  it('lists its alerts in time order and closes to clear the selection', async () => {
    // turned_back comes about three minutes into the flight.
    await page.waitForFunction(() => [...document.querySelectorAll('#flight-panel .fp-alert')].some((li) => li.dataset.type === 'turned_back'),
      null, { timeout: FLIGHT_WAIT_MS, polling: 500 });
    const alerts = await page.evaluate(() => [...document.querySelectorAll('#flight-panel .fp-alert')].map((li) => ({
      type: li.dataset.type, time: Date.parse(li.querySelector('time').getAttribute('datetime')),
    })));
    for (let i = 1; i < alerts.length; i++) {
      assert.ok(alerts[i].time >= alerts[i - 1].time, `alerts out of order: ${JSON.stringify(alerts)}`);
    }
    const current = alerts.filter((a) => a.time >= legStart).map((a) => a.type);
    assert.ok(current.indexOf('departed') < current.indexOf('turned_back'), `this leg's alerts ${current}: departed not before turned_back`);
    await idle(page);
    await page.screenshot({ path: join(outDir, 'panel.png') });
    await page.click('#flight-close');
    assert.equal(await page.evaluate(() => window.flightwatch.selectedHex()), null, 'closing the panel left a selection');
    assert.ok(await page.$eval('#flight-panel', (el) => el.hidden), 'the panel is still shown');
  });

  it('lists the span\'s flights and alerts; a click selects and jumps', async () => {
    await page.click('#hist-list-btn');
    // The list reads again every 30 s; in a new pass it waits for the next take-off.
    await page.waitForSelector(`#day-legs button[data-leg^="${HEX}-"]`, { timeout: FLIGHT_WAIT_MS });
    await page.click(`#day-legs button[data-leg^="${HEX}-"]`);
    assert.equal(await page.evaluate(() => window.flightwatch.selectedHex()), HEX, 'clicking its flight did not select it');
    await page.waitForFunction(() => !document.getElementById('flight-panel').hidden, null, { timeout: 5000 });
    // An alert of its: the map goes to the alert's time.
    const alert = await page.$eval(`#day-alerts button`, (b) => ({ id: b.dataset.alert, time: Date.parse(b.querySelector('time').getAttribute('datetime')) }));
    await page.click(`#day-alerts button[data-alert="${alert.id}"]`);
    assert.equal(await page.evaluate(() => window.flightwatch.viewTime()), alert.time, 'clicking an alert did not show its time');
    // Play at 600× (10× the stored times in the demo) moves the viewed time on.
    await page.selectOption('#hist-speed', '600');
    await page.click('#hist-play');
    await page.waitForFunction((t) => window.flightwatch.viewTime() === null || window.flightwatch.viewTime() > t + 5000, alert.time, { timeout: 15000, polling: 100 });
    await page.click('#hist-live');
    await page.click('#flight-close');
    assert.deepEqual(consoleErrors, [], `console errors:\n${consoleErrors.join('\n')}`);
  });
});
