// Unit tests of the map's pure helpers (static/web/*.js), run in Node.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { esc, fmtTime, fmtClock, viewBBox, collection } from '../static/web/util.js';
import { windowRange, cellPopupHTML, CELL_STEPS, resForZoom, Cells } from '../static/web/cells.js';
import { legStart, prepareAircraft } from '../static/web/aircraft.js';
import { aircraftRows, fmtNum } from '../static/web/popups.js';

describe('util', () => {
  it('esc escapes HTML', () => {
    const tests = [
      { name: 'tags', in: '<b>x</b>', want: '&lt;b&gt;x&lt;/b&gt;' },
      { name: 'quotes', in: `"a" & 'b'`, want: '&quot;a&quot; &amp; &#39;b&#39;' },
      { name: 'null', in: null, want: '' },
      { name: 'number', in: 42, want: '42' },
    ];
    for (const tt of tests) assert.equal(esc(tt.in), tt.want, `${tt.name}: esc(${tt.in})`);
  });

  it('fmtTime formats UTC', () => {
    assert.equal(fmtTime('2025-01-24T14:03:05Z'), '2025-01-24 14:03:05Z');
    assert.equal(fmtTime('2025-01-24T09:03:05-05:00'), '2025-01-24 14:03:05Z');
    assert.equal(fmtTime('not a time'), '');
    assert.equal(fmtClock('2025-01-24T14:03:05.250Z'), '14:03:05Z');
  });

  it('viewBBox clamps to the world', () => {
    const fake = (w, s, e, n) => ({
      getBounds: () => ({ getWest: () => w, getSouth: () => s, getEast: () => e, getNorth: () => n }),
    });
    const tests = [
      { name: 'inside', map: fake(-120.123456, 10, -60, 40), want: [-120.1235, 10, -60, 40] },
      { name: 'wider than the world', map: fake(-400, -95, 300, 95), want: [-180, -90, 180, 90] },
      { name: 'past the antimeridian', map: fake(150, -10, 200, 10), want: [150, -10, 180, 10] },
    ];
    for (const tt of tests) assert.deepEqual(viewBBox(tt.map), tt.want, tt.name);
  });

  it('collection wraps features', () => {
    assert.deepEqual(collection([]), { type: 'FeatureCollection', features: [] });
  });
});

describe('cells', () => {
  it('windowRange gives since for a window and nothing for all', () => {
    const now = Date.parse('2025-01-31T00:00:00Z');
    const tests = [
      { name: '24h', in: '24h', want: { since: '2025-01-30T00:00:00Z' } },
      { name: '7d', in: '7d', want: { since: '2025-01-24T00:00:00Z' } },
      { name: '30d', in: '30d', want: { since: '2025-01-01T00:00:00Z' } },
      { name: 'all', in: 'all', want: {} },
    ];
    for (const tt of tests) assert.deepEqual(windowRange(tt.in, now), tt.want, tt.name);
  });

  it('steps rise', () => {
    for (let i = 1; i < CELL_STEPS.length; i++) {
      assert.ok(CELL_STEPS[i][0] > CELL_STEPS[i - 1][0], `step ${i} does not rise`);
    }
  });

  it('cellPopupHTML lists count and sources in every shape', () => {
    const tests = [
      { name: 'map', props: { h3: '83266', count: 3, reports: 2, sources: { 'news <a>': 2, ice: 1 } }, want: ['Count 3', '<dd>2</dd>', 'news &lt;a&gt;: 2', 'ice: 1'] },
      { name: 'map as JSON text', props: { h3: '83266', count: 1, sources: '{"ice":1}' }, want: ['Count 1', 'ice: 1'] },
      { name: 'list', props: { h3: '83266', count: 5, sources: ['a', 'b'] }, want: ['<li>a</li>', '<li>b</li>'] },
      { name: 'none', props: { h3: '83266', count: 5 }, want: ['Sources: not given'] },
    ];
    for (const tt of tests) {
      const html = cellPopupHTML(tt.props);
      for (const w of tt.want) assert.ok(html.includes(w), `${tt.name}: ${html} lacks ${w}`);
    }
  });
});

// A map that records what its sources are given, at a fixed zoom.
function fakeMap(zoom) {
  const data = new Map();
  return {
    data,
    getZoom: () => zoom,
    getBounds: () => ({ getWest: () => -100, getSouth: () => 20, getEast: () => -80, getNorth: () => 40 }),
    getSource: (id) => ({ setData: (d) => data.set(id, d) }),
  };
}

const fakeSelect = (value) => ({ value, addEventListener: () => {} });

const cell = (h3, res, count) => ({
  type: 'Feature', id: h3, properties: { h3, res, count },
  geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] },
});

describe('cells from the stream', () => {
  it('resForZoom picks the resolution the server picks (geo.ResForZoom)', () => {
    const tests = [[0, 0], [1, 0], [3, 1], [7.5, 4], [7.7, 5], [10, 6], [12, 8], [14, 9], [22, 9]];
    for (const [z, want] of tests) assert.equal(resForZoom(z), want, `zoom ${z}`);
  });

  it('a snapshot replaces the hexagons and an update adds or replaces them by id', () => {
    const map = fakeMap(8); // resolution 5, the stream's
    const c = new Cells(map, { select: fakeSelect('all'), onError: (err) => assert.fail(err.message) });
    c.fromStream('snapshot', [cell('a', 5, 1), cell('b', 5, 2)]);
    assert.deepEqual(map.data.get('cells').features.map((f) => f.id), ['a', 'b']);
    c.fromStream('update', [cell('b', 5, 7), cell('c', 5, 1)]);
    const got = Object.fromEntries(map.data.get('cells').features.map((f) => [f.id, f.properties.count]));
    assert.deepEqual(got, { a: 1, b: 7, c: 1 });
    c.fromStream('snapshot', [cell('d', 5, 3)]);
    assert.deepEqual(map.data.get('cells').features.map((f) => f.id), ['d']);
    assert.equal(c.shown, 'stream');
  });

  it('the stream\'s hexagons are not drawn for a time window or a far zoom', () => {
    const tests = [
      { name: 'a 24 h window', zoom: 8, window: '24h' },
      { name: 'zoomed out', zoom: 3, window: 'all' },
      { name: 'zoomed far in', zoom: 14, window: 'all' },
    ];
    for (const tt of tests) {
      const map = fakeMap(tt.zoom);
      const c = new Cells(map, { select: fakeSelect(tt.window), onError: () => {} });
      c.fromStream('snapshot', [cell('a', 5, 1)]);
      assert.equal(map.data.has('cells'), false, `${tt.name}: snapshot drawn`);
      assert.equal(c.streamFits(), false, tt.name);
      c.fromStream('update', [cell('a', 5, 2)]);
      assert.equal(map.data.has('cells'), false, `${tt.name}: update drawn`);
      assert.ok(c.pending, `${tt.name}: an update schedules a read of /api/v1/cells`);
      clearTimeout(c.pending);
    }
  });
});

describe('aircraft', () => {
  it('legStart reads leg_start and never the leg id', () => {
    const tests = [
      { name: 'time', in: { leg: 'ae1234-1737727385', leg_start: '2025-01-24T14:03:05Z' }, want: '2025-01-24T14:03:05Z' },
      { name: 'null', in: { leg: 'ae1234-1737727385', leg_start: null }, want: '' },
      { name: 'absent', in: { leg: 'ae1234-1737727385' }, want: '' },
      { name: 'not a time', in: { leg_start: 'yesterday' }, want: '' },
      { name: 'a number', in: { leg_start: 1737727385 }, want: '' },
    ];
    for (const tt of tests) assert.equal(legStart(tt.in), tt.want, tt.name);
  });

  it('prepareAircraft labels and marks watched aircraft', () => {
    const f = prepareAircraft({ type: 'Feature', id: 'AE1234', geometry: { type: 'Point', coordinates: [1, 2] },
      properties: { callsign: ' RCH821 ', tags: ['mil'], track: '135' } });
    assert.equal(f.id, 'ae1234');
    assert.equal(f.properties.hex, 'ae1234');
    assert.equal(f.properties.label, 'RCH821');
    assert.equal(f.properties.watched, true);
    assert.equal(f.properties.track, 135);
    const g = prepareAircraft({ type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] }, properties: { hex: 'a0b1c2', track: null } });
    assert.equal(g.properties.label, 'A0B1C2');
    assert.equal(g.properties.watched, false);
    assert.equal(g.properties.track, 0);
  });
});

describe('popups', () => {
  it('aircraftRows lists what is known', () => {
    const rows = aircraftRows({ hex: 'ae1234', callsign: 'RCH821', alt_ft: 31000, on_ground: false, gs_kt: null, tags: '["mil","cbp"]', military: 'true' });
    const got = Object.fromEntries(rows);
    assert.equal(got.Hex, 'ae1234');
    assert.equal(got.Altitude, '31,000 ft');
    assert.equal(got.Speed, '—');
    assert.equal(got.Tags, 'mil, cbp');
    assert.equal(got.Military, 'yes');
    assert.equal('Reg' in got, false);
    assert.equal(aircraftRows({ on_ground: true }).find(([k]) => k === 'Altitude')[1], 'on ground');
    assert.equal(fmtNum('', 'kt'), '—');
  });
});
