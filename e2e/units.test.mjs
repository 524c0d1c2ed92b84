// Unit tests of the map's pure helpers (static/web/*.js), run in Node.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { esc, fmtTime, fmtClock, viewBBox, collection } from '../static/web/util.js';
import { windowRange, cellPopupHTML, CELL_STEPS } from '../static/web/cells.js';

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
