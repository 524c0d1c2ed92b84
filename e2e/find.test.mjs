// Finding aircraft on the map: the aircraft table and its sync with the
// map's selection, the search box, the filters and layers read from the
// URL, the Layers control and the live trails of unwatched aircraft; and,
// in Node, the pure helpers behind them (URL parsing with a fuzz loop,
// filters, sorting and matching).
//
// The browser part runs against the demo (see harness.mjs). The demo's
// aircraft are all watched, so the test flies one unwatched aircraft of
// its own through POST /api/v1/positions: with a server it starts, it sets
// the ingest token itself; with FLIGHTWATCH_E2E_URL it needs
// FLIGHTWATCH_E2E_TOKEN, and skips the parts that need that aircraft
// without one.

import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outDir, sleep, startServer, launchBrowser } from './harness.mjs';
import { parseQuery, formatQuery, parseAltBand, parseTime, parseBBox, LAYER_NAMES } from '../static/web/urlstate.js';
import { passes, isMilitary, setFilters, filters, filtering } from '../static/web/filters.js';
import { sortRows, findAircraft, matchScore } from '../static/web/table.js';
import { altBand, upsertAircraft, liveTrailFeatures, liveTrailLength, removeAircraft } from '../static/web/aircraft.js';

// ---- pure helpers ------------------------------------------------------------------

describe('urlstate', () => {
  it('parseQuery reads every parameter', () => {
    const st = parseQuery('?hex=AE5A01&watch=1&mil=true&alt=10000-40000&type=c17&feed=adsb.lol&layers=tracks,routes&bbox=-110,20,-80,35&t=2025-01-24T15:00:00Z');
    assert.deepEqual(st, {
      hex: 'ae5a01', watch: true, mil: true, altMin: 10000, altMax: 40000, type: 'C17', feed: 'adsb.lol',
      layers: ['routes', 'tracks'], bbox: [-110, 20, -80, 35], t: Date.parse('2025-01-24T15:00:00Z'),
    });
  });

  it('parseQuery reports what it cannot read and keeps the rest', () => {
    const tests = [
      { name: 'short hex', q: 'hex=ae5a', want: {}, errors: 1 },
      { name: 'flag', q: 'watch=maybe&mil=0', want: {}, errors: 1 },
      { name: 'band reversed', q: 'alt=40000-10000', want: {}, errors: 1 },
      { name: 'open band', q: 'alt=-5000', want: { altMin: null, altMax: 5000 }, errors: 0 },
      { name: 'open band above', q: 'alt=30000-', want: { altMin: 30000, altMax: null }, errors: 0 },
      { name: 'type too long', q: 'type=C17AB', want: {}, errors: 1 },
      { name: 'unknown layer', q: 'layers=routes,nope', want: { layers: ['routes'] }, errors: 1 },
      { name: 'no layers', q: 'layers=', want: { layers: [] }, errors: 0 },
      { name: 'bbox upside down', q: 'bbox=-110,35,-80,20', want: {}, errors: 1 },
      { name: 'bbox three numbers', q: 'bbox=1,2,3', want: {}, errors: 1 },
      { name: 'unix seconds', q: 't=1737730800', want: { t: 1737730800000 }, errors: 0 },
      { name: 'not a time', q: 't=yesterday', want: {}, errors: 1 },
      { name: 'feed with a space', q: 'feed=my%20receiver', want: { feed: 'my receiver' }, errors: 0 },
      { name: 'feed with a control character', q: 'feed=a%01b', want: {}, errors: 1 },
    ];
    for (const tt of tests) {
      const st = parseQuery(tt.q);
      const errors = st.errors || [];
      delete st.errors;
      assert.deepEqual(st, tt.want, `${tt.name}: parseQuery(${tt.q})`);
      assert.equal(errors.length, tt.errors, `${tt.name}: errors ${JSON.stringify(errors)}`);
    }
  });

  it('formatQuery writes what parseQuery reads, and keeps foreign parameters', () => {
    const st = { hex: 'ae5a38', mil: true, altMin: 10000, altMax: null, type: 'C17', layers: ['tracks'], bbox: [-110.123456, 20, -80, 35], t: Date.parse('2025-01-24T15:00:00Z') };
    const q = formatQuery(st, '?lang=en&hex=old');
    assert.equal(q, '?lang=en&hex=ae5a38&mil=1&alt=10000-&type=C17&layers=tracks&bbox=-110.1235,20,-80,35&t=2025-01-24T15:00:00Z');
    const back = parseQuery(q);
    assert.equal(back.hex, 'ae5a38');
    assert.deepEqual([back.altMin, back.altMax], [10000, null]);
    assert.deepEqual(back.layers, ['tracks']);
    assert.equal(back.t, st.t);
    assert.equal(formatQuery({ layers: [...LAYER_NAMES] }), '', 'every layer shown is the default');
  });

  it('the small parsers reject what they cannot read', () => {
    assert.equal(parseAltBand('-'), null);
    assert.equal(parseAltBand('abc'), null);
    assert.deepEqual(parseAltBand('-1000-500'), { min: -1000, max: 500 });
    assert.equal(parseTime('2025-13-45T99:00:00Z'), null);
    assert.equal(parseTime('2025-01-24T15:00'), Date.parse('2025-01-24T15:00:00Z'));
    assert.equal(parseBBox('-181,0,10,10'), null);
    assert.deepEqual(parseBBox('170,-10,-170,10'), [170, -10, -170, 10]);
  });

  it('fuzz: parseQuery never throws, and what it reads survives formatQuery', () => {
    // A seeded generator, so that a failure can be replayed.
    let seed = 0x2545f491;
    const rnd = () => {
      seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
      return (seed >>> 0) / 4294967296;
    };
    const alphabet = ['hex', 'watch', 'mil', 'alt', 'type', 'feed', 'sbs-1', 'layers', 'bbox', 't', '=', '&', ',', '-', '.', '%', '%2C', '%ZZ', ' ', '+',
      '0', '1', '9', '10000', '-40000', 'ae5a01', 'C17', 'routes', 'tracks', 'Z', 'T', ':', '2025-01-24', 'é', '\u0000', 'e5', 'NaN', 'Infinity'];
    for (let i = 0; i < 20000; i++) {
      let q = rnd() < 0.5 ? '?' : '';
      const n = Math.floor(rnd() * 14);
      for (let j = 0; j < n; j++) q += alphabet[Math.floor(rnd() * alphabet.length)];
      let st;
      try {
        st = parseQuery(q);
      } catch (err) {
        assert.fail(`parseQuery(${JSON.stringify(q)}) threw ${err}`);
      }
      delete st.errors;
      const again = parseQuery(formatQuery(st));
      assert.equal(again.errors, undefined, `formatQuery of ${JSON.stringify(q)} wrote what parseQuery rejects: ${again.errors}`);
      assert.deepEqual(again, st, `round trip of ${JSON.stringify(q)} via ${formatQuery(st)}`);
    }
  });
});

describe('filters', () => {
  const c17 = { hex: 'ae5a01', type: 'C17', alt_ft: 31000, watched: true, tags: ['military'], source: 'sbs-1' };
  const b738 = { hex: 'a1b2c3', type: 'B738', alt_ft: 36000, watched: false, military: false, source: 'adsb.lol' };
  const ground = { hex: 'a00001', type: 'C172', alt_ft: 1200, on_ground: true, watched: false, source: 'sbs-1' };
  const unknownAlt = { hex: 'a00002', type: 'C17', watched: true, military: true, source: null };
  const none = { watch: false, mil: false, altMin: null, altMax: null, type: '', feed: '' };

  it('passes applies each filter', () => {
    const tests = [
      { name: 'none', f: none, want: [true, true, true, true] },
      { name: 'watched', f: { ...none, watch: true }, want: [true, false, false, true] },
      { name: 'military by tag or flag', f: { ...none, mil: true }, want: [true, false, false, true] },
      { name: 'type prefix', f: { ...none, type: 'C17' }, want: [true, false, true, true] },
      { name: 'band', f: { ...none, altMin: 30000, altMax: 35000 }, want: [true, false, false, false] },
      { name: 'ground is 0 ft', f: { ...none, altMax: 1000 }, want: [false, false, true, false] },
      { name: 'feed', f: { ...none, feed: 'sbs-1' }, want: [true, false, true, false] },
    ];
    for (const tt of tests) {
      assert.deepEqual([c17, b738, ground, unknownAlt].map((p) => passes(p, tt.f)), tt.want, tt.name);
    }
    assert.equal(isMilitary({ tags: '["military"]' }), true, 'tags as a JSON string');
  });

  it('setFilters cleans what it is given', () => {
    setFilters({ type: ' c1 ', altMin: /** @type {any} */ ('x'), altMax: 20000 });
    assert.deepEqual(filters(), { ...none, type: 'C1', altMax: 20000 });
    assert.equal(filtering(), true);
    setFilters(none);
    assert.equal(filtering(), false);
  });
});

describe('table helpers', () => {
  const row = (id, p) => ({ id, geometry: { type: 'Point', coordinates: [0, 0] }, properties: { hex: id, ...p } });
  const rows = [
    row('ae5a38', { callsign: 'RCH538', alt_ft: 30000, reg: '05-5140' }),
    row('ae5a01', { callsign: 'RCH821', alt_ft: 12000 }),
    row('a1b2c3', { callsign: '', alt_ft: null }),
    row('a00001', { callsign: 'TST538', on_ground: true, alt_ft: 900 }),
  ];

  it('sortRows sorts either way with unknowns last', () => {
    const ids = (rs) => rs.map((r) => r.id);
    const none = () => '';
    assert.deepEqual(ids(sortRows([...rows], 'alt', -1, none)), ['ae5a38', 'ae5a01', 'a00001', 'a1b2c3']);
    assert.deepEqual(ids(sortRows([...rows], 'alt', 1, none)), ['a00001', 'ae5a01', 'ae5a38', 'a1b2c3']);
    assert.deepEqual(ids(sortRows([...rows], 'callsign', 1, none)), ['ae5a38', 'ae5a01', 'a00001', 'a1b2c3']);
    assert.deepEqual(ids(sortRows([...rows], 'dest', 1, (h) => (h === 'ae5a01' ? 'MGGT' : ''))).slice(0, 1), ['ae5a01']);
  });

  it('findAircraft puts exact before prefix before substring', () => {
    assert.deepEqual(findAircraft('rch538', rows).map((r) => r.id), ['ae5a38']);
    assert.deepEqual(findAircraft('538', rows).map((r) => r.id), ['ae5a38', 'a00001']);
    assert.deepEqual(findAircraft('AE5A', rows).map((r) => r.id), ['ae5a38', 'ae5a01']);
    assert.deepEqual(findAircraft('055140', rows).map((r) => r.id), ['ae5a38'], 'registration without its dash');
    assert.deepEqual(findAircraft('zz', rows), []);
    assert.deepEqual(findAircraft('   ', rows), []);
    assert.equal(matchScore('a1b2c3', rows[2].properties), 0);
  });
});

describe('live trails', () => {
  it('keeps a bounded trail per aircraft, cut into altitude bands', () => {
    const t0 = Date.parse('2025-01-24T15:00:00Z');
    for (let i = 0; i < 400; i++) {
      upsertAircraft([{ type: 'Feature', geometry: { type: 'Point', coordinates: [-100 + i * 0.01, 30] },
        properties: { hex: 'c0ffee', alt_ft: 1000 + i * 100, seen: new Date(t0 + i * 1000).toISOString() } }]);
    }
    const n = liveTrailLength('c0ffee');
    assert.ok(n > 1 && n <= 150, `trail holds ${n} points, want 2..150`);
    const feats = liveTrailFeatures(() => true).filter((f) => f.properties.hex === 'c0ffee');
    assert.ok(feats.length > 1, `${feats.length} trail pieces, want several altitude bands`);
    const bands = feats.map((f) => f.properties.alt_ft);
    assert.deepEqual(bands, [...bands].sort((a, b) => a - b), 'a climbing trail has rising bands');
    assert.equal(feats.reduce((s, f) => s + f.geometry.coordinates.length - 1, 0), n - 1, 'every segment drawn once');
    assert.equal(liveTrailFeatures((h) => h !== 'c0ffee').some((f) => f.properties.hex === 'c0ffee'), false);
    removeAircraft(['c0ffee']);
    assert.equal(liveTrailLength('c0ffee'), 0);
    assert.deepEqual([altBand(null), altBand(0), altBand(950), altBand(9999), altBand(12500)], [-1, -1, 0, 9000, 10000]);
  });
});

// ---- in the browser ----------------------------------------------------------------

const TEST_HEX = 'a1f00d';
const TEST_CALLSIGN = 'TST911';

describe('finding aircraft on the map', () => {
  let baseURL = '';
  let server = null;
  let tmp = null;
  let context = null;
  let page = null;
  let consoleErrors = [];
  let token = process.env.FLIGHTWATCH_E2E_TOKEN || '';
  /** @type {ReturnType<typeof setInterval> | null} */
  let flying = null;
  let fix = 0;

  // One fix of the test's unwatched aircraft: eastward over Texas at
  // ~430 kt, climbing 150 ft a fix, so that its trail crosses altitude bands.
  const post = async () => {
    const i = fix++;
    const obs = {
      hex: TEST_HEX, time: new Date().toISOString(), lat: 30.2, lon: -101 + i * 0.004,
      alt_ft: 4000 + i * 150, gs_kt: 430, track: 90, callsign: TEST_CALLSIGN, type: 'B738', source: 'e2e',
    };
    const res = await fetch(`${baseURL}/api/v1/positions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-ndjson', Authorization: `Bearer ${token}` },
      body: `${JSON.stringify(obs)}\n`,
    });
    if (res.status !== 202) throw new Error(`POST /api/v1/positions = ${res.status}: ${await res.text()}`);
  };

  const gotoMap = async (query = '') => {
    const res = await page.goto(`${baseURL}/${query}`, { waitUntil: 'load' });
    assert.equal(res.status(), 200);
    await page.waitForFunction(() => window.flightwatch && window.flightwatch.map, null, { timeout: 30000 });
    await page.evaluate(() => window.flightwatch.ready);
    await page.waitForSelector('body[data-map-idle="1"]', { timeout: 60000 });
  };

  const openTable = async () => {
    if (await page.$eval('#table-panel', (el) => el.hidden)) await page.click('#btn-table');
    await page.waitForSelector('#table-panel:not([hidden])');
  };

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flightwatch-find-'));
    if (!process.env.FLIGHTWATCH_E2E_URL) {
      token = 'e2e-find-token';
      process.env.FLIGHTWATCH_INGEST_TOKENS = token;
    }
    server = await startServer(tmp, 'find-server.log');
    baseURL = server.baseURL;
    if (token) {
      await post();
      flying = setInterval(() => { post().catch((err) => console.error('find test: post:', err.message)); }, 1500);
    }
    ({ context, page, consoleErrors } = await launchBrowser(tmp));
  });

  after(async () => {
    if (flying) clearInterval(flying);
    if (context) await context.close().catch(() => {});
    if (server) await server.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('lists the aircraft in the table, and a row click selects and flies to it', async () => {
    // A view that holds every demo aircraft and the test's own.
    await gotoMap('?bbox=-125,5,-60,40');
    await openTable();
    await page.waitForFunction(() => window.flightwatch.find.table.rows.length >= 2, null, { timeout: 90000, polling: 500 });
    const first = await page.$eval('#table-body tr[data-hex]', (tr) => tr.dataset.hex);
    const center0 = await page.evaluate(() => window.flightwatch.map.getCenter().toArray());
    await page.click(`#table-body tr[data-hex="${first}"]`);
    await page.waitForFunction((hex) => window.flightwatch.find.selectedHex() === hex, first, { timeout: 5000 });
    // The map flies to it and rings it.
    await page.waitForFunction((c0) => {
      const c = window.flightwatch.map.getCenter();
      return !window.flightwatch.map.isMoving() && (Math.abs(c.lng - c0[0]) > 0.01 || Math.abs(c.lat - c0[1]) > 0.01);
    }, center0, { timeout: 15000, polling: 200 });
    const ring = await page.evaluate(() => window.flightwatch.map.getFilter('aircraft-selected'));
    assert.deepEqual(ring, ['==', ['get', 'hex'], first], 'selection ring filter');
    const row = await page.$eval(`#table-body tr[data-hex="${first}"]`, (tr) => ({ cls: tr.className, sel: tr.getAttribute('aria-selected') }));
    assert.match(row.cls, /selected/);
    assert.equal(row.sel, 'true');
    assert.match(await page.evaluate(() => window.location.search), new RegExp(`hex=${first}`), 'the URL names the selection');
  });

  it('a click on an aircraft on the map selects its row and scrolls to it', async (t) => {
    if (!token) return t.skip('no ingest token for the test aircraft');
    // The test's aircraft is slow on screen at this zoom: bring it clear of
    // the panels and click it.
    const at = await page.evaluate(async (hex) => {
      const res = await fetch(`/api/v1/aircraft/${hex}`);
      return (await res.json()).geometry.coordinates;
    }, TEST_HEX);
    await page.evaluate((c) => window.flightwatch.map.easeTo({ center: c, zoom: 7, offset: [100, 150], duration: 0 }), at);
    await page.waitForFunction((hex) => window.flightwatch.map.queryRenderedFeatures({ layers: ['aircraft'] }).some((f) => f.properties.hex === hex),
      TEST_HEX, { timeout: 30000, polling: 250 });
    const point = await page.evaluate((hex) => {
      const { map } = window.flightwatch;
      const f = map.queryRenderedFeatures({ layers: ['aircraft'] }).find((x) => x.properties.hex === hex);
      const p = map.project(f.geometry.coordinates);
      const r = map.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    }, TEST_HEX);
    await page.mouse.click(point.x, point.y);
    await page.waitForFunction((hex) => window.flightwatch.find.selectedHex() === hex, TEST_HEX, { timeout: 5000 });
    await page.waitForSelector(`#table-body tr.selected[data-hex="${TEST_HEX}"]`, { timeout: 5000 });
    const inSight = await page.evaluate((hex) => {
      const tr = document.querySelector(`#table-body tr[data-hex="${hex}"]`).getBoundingClientRect();
      const box = document.getElementById('table-scroll').getBoundingClientRect();
      return tr.top >= box.top && tr.bottom <= box.bottom + 1;
    }, TEST_HEX);
    assert.ok(inSight, 'the selected row is not scrolled into sight');
    await page.keyboard.press('Escape');
  });

  it('draws an altitude-coloured trail for an unwatched aircraft', async (t) => {
    if (!token) return t.skip('no ingest token for the test aircraft');
    const watched = await page.evaluate((hex) => {
      const f = window.flightwatch.find.table.rows.find((r) => r.id === hex);
      return f && f.properties.watched;
    }, TEST_HEX);
    assert.equal(watched, false, 'the test aircraft should be unwatched');
    const at = await page.evaluate((hex) => window.flightwatch.find.table.rows.find((r) => r.id === hex).geometry.coordinates, TEST_HEX);
    await page.evaluate((c) => window.flightwatch.map.easeTo({ center: c, zoom: 10, offset: [100, 150], duration: 0 }), at);
    await page.waitForFunction((hex) => window.flightwatch.map.queryRenderedFeatures({ layers: ['live-trails'] })
      .filter((f) => f.properties.hex === hex).length > 0, TEST_HEX, { timeout: 60000, polling: 500 });
    const bands = await page.evaluate((hex) => [...new Set(window.flightwatch.map.queryRenderedFeatures({ layers: ['live-trails'] })
      .filter((f) => f.properties.hex === hex).map((f) => f.properties.alt_ft))], TEST_HEX);
    assert.ok(bands.every((b) => Number.isFinite(b) && b >= 0), `trail bands ${bands}`);
    const color = await page.evaluate(() => JSON.stringify(window.flightwatch.map.getPaintProperty('live-trails', 'line-color')));
    assert.match(color, /alt_ft/, 'the trail colour does not follow the altitude');
  });

  it('finds RCH538 by callsign and says when nothing matches', async () => {
    // RCH538 flies from 30 s into each four-minute pass: try until it is there.
    const deadline = Date.now() + 240000;
    let found = false;
    while (!found && Date.now() < deadline) {
      await page.fill('#search', '');
      await page.fill('#search', 'rch538');
      await page.press('#search', 'Enter');
      found = await page.waitForFunction(() => window.flightwatch.find.selectedHex() === 'ae5a38', null, { timeout: 4000, polling: 100 })
        .then(() => true, () => false);
      if (!found) await sleep(3000);
    }
    assert.ok(found, 'typing rch538 + Enter did not select ae5a38');
    assert.equal(await page.inputValue('#search'), 'RCH538');
    await page.waitForFunction(() => !window.flightwatch.map.isMoving(), null, { timeout: 15000 });
    const c = await page.evaluate(() => window.flightwatch.map.getCenter().toArray());
    const at = (await (await fetch(`${baseURL}/api/v1/aircraft/ae5a38`)).json()).geometry.coordinates;
    assert.ok(Math.abs(c[0] - at[0]) < 8 && Math.abs(c[1] - at[1]) < 8, `map centre ${c} is not near RCH538 at ${at}`);

    // Suggestions as one types, then "no match".
    await page.fill('#search', 'RCH5');
    await page.waitForSelector('#search-list:not([hidden]) li', { timeout: 5000 });
    const names = await page.$$eval('#search-list li .search-name', (els) => els.map((e) => e.textContent));
    assert.ok(names.length > 0 && names.every((n) => n.startsWith('RCH5')), `suggestions ${names}`);
    await page.fill('#search', 'ZZZ999');
    await page.press('#search', 'Enter');
    await page.waitForSelector('#search-status:not([hidden])', { timeout: 10000 });
    assert.match(await page.textContent('#search-status'), /No aircraft matches “ZZZ999”/);
    assert.equal(await page.evaluate(() => window.flightwatch.find.selectedHex()), 'ae5a38', 'no match keeps the selection');
  });

  it('hides a layer from the Layers control and says so in the URL', async () => {
    await page.evaluate(() => window.flightwatch.map.jumpTo({ center: [-95, 22], zoom: 3 }));
    await page.waitForFunction(() => window.flightwatch.map.queryRenderedFeatures({ layers: ['routes'] }).length > 0, null, { timeout: 30000, polling: 250 });
    await page.click('#btn-layers');
    await page.uncheck('#layers-list input[data-layer="routes"]');
    await page.waitForFunction(() => window.flightwatch.map.getLayoutProperty('routes', 'visibility') === 'none', null, { timeout: 5000 });
    await page.evaluate(() => new Promise((r) => { window.flightwatch.map.once('idle', r); window.flightwatch.map.triggerRepaint(); }));
    assert.equal(await page.evaluate(() => window.flightwatch.map.queryRenderedFeatures({ layers: ['routes'] }).length), 0, 'routes still drawn');
    const q = new URLSearchParams(await page.evaluate(() => window.location.search));
    assert.equal(q.get('layers'), 'tracks,predictions,hexagons,airports');
    await page.check('#layers-list input[data-layer="routes"]');
    await page.waitForFunction(() => window.flightwatch.map.getLayoutProperty('routes', 'visibility') === 'visible', null, { timeout: 5000 });
    assert.equal(new URLSearchParams(await page.evaluate(() => window.location.search)).get('layers'), null, 'every layer shown is the default');
  });

  it('applies the filters, layers, selection and time of a URL', async () => {
    const t = '2025-01-24T15:00:00Z';
    await gotoMap(`?type=c17&alt=10000-45000&layers=routes,tracks,hexagons&hex=AE5A01&bbox=-125,5,-60,40&t=${t}`);
    await openTable();
    assert.equal(await page.inputValue('#f-type'), 'C17');
    assert.equal(await page.inputValue('#f-alt-min'), '10000');
    assert.equal(await page.inputValue('#f-alt-max'), '45000');
    assert.equal(await page.evaluate(() => window.flightwatch.find.selectedHex()), 'ae5a01');
    assert.equal(await page.evaluate(() => window.flightwatch.find.viewTime()), Date.parse(t));
    for (const id of ['prediction-lines', 'airport-dots', 'airport-labels']) {
      await page.waitForFunction((l) => window.flightwatch.map.getLayer(l) && window.flightwatch.map.getLayoutProperty(l, 'visibility') === 'none', id, { timeout: 30000 });
    }
    const b = await page.evaluate(() => window.flightwatch.map.getBounds().toArray());
    // Back to live: the table lists what the map draws, at the viewed time
    // or live; the live aircraft are the ones this test knows.
    await page.click('#hist-live');
    await page.waitForFunction(() => window.flightwatch.find.viewTime() === null, null, { timeout: 10000 });
    assert.ok(b[0][0] <= -125 + 0.5 && b[0][1] <= 5 + 0.5 && b[1][0] >= -60 - 0.5 && b[1][1] >= 40 - 0.5, `view ${JSON.stringify(b)} does not hold the bbox`);

    // The table and the map show the same aircraft, all passing the filters,
    // and fewer than the map holds (the unwatched B738; C17s on the ground).
    const agree = await page.waitForFunction(() => {
      const { map, find } = window.flightwatch;
      const rows = find.table.rows.map((r) => r.id).sort();
      const drawn = [...new Set(map.queryRenderedFeatures({ layers: ['aircraft'] }).map((f) => f.properties.hex))].sort();
      return rows.length > 0 && JSON.stringify(rows) === JSON.stringify(drawn) && { rows, drawn };
    }, null, { timeout: 120000, polling: 500 }).then((h) => h.jsonValue());
    const rows = await page.evaluate(() => window.flightwatch.find.table.rows.map((r) => r.properties));
    for (const p of rows) {
      assert.ok(String(p.type).startsWith('C17'), `row ${p.hex} of type ${p.type}`);
      assert.ok(p.on_ground !== true && p.alt_ft >= 10000 && p.alt_ft <= 45000, `row ${p.hex} at ${p.alt_ft} ft`);
    }
    const count = await page.textContent('#table-count');
    assert.match(count, new RegExp(`^${agree.rows.length} `), `table count "${count}"`);
    if (token) {
      await page.waitForFunction((hex) => window.flightwatch.find.table.held() > window.flightwatch.find.table.rows.length &&
        !window.flightwatch.find.table.rows.some((r) => r.id === hex), TEST_HEX, { timeout: 30000, polling: 500 });
    }
    const q = new URLSearchParams(await page.evaluate(() => window.location.search));
    assert.equal(q.get('type'), 'C17');
    assert.equal(q.get('alt'), '10000-45000');
    assert.equal(q.get('layers'), 'routes,tracks,hexagons');
    assert.equal(q.get('hex'), 'ae5a01');
    assert.equal(q.get('t'), null, 'live again: no t in the URL');

    // Clearing the filters in the panel empties them from the URL too.
    await page.click('#f-clear');
    await page.waitForFunction(() => !/type=|alt=/.test(window.location.search), null, { timeout: 5000 });
    await page.waitForFunction(() => window.flightwatch.find.table.rows.length === window.flightwatch.find.table.held(), null, { timeout: 10000 });
  });

  it('saves a screenshot of the table with no console errors', async () => {
    await page.evaluate(() => window.flightwatch.map.jumpTo({ center: [-95, 24], zoom: 3.3 }));
    await page.waitForFunction(() => window.flightwatch.find.table.rows.length > 0, null, { timeout: 30000 });
    await page.evaluate(() => new Promise((r) => { window.flightwatch.map.once('idle', r); window.flightwatch.map.triggerRepaint(); }));
    await page.screenshot({ path: join(outDir, 'table.png') });
    assert.deepEqual(consoleErrors, [], `console errors:\n${consoleErrors.join('\n')}`);
  });
});
