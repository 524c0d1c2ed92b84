// Unit tests of the websocket delta decoder (static/web/stream.js), run in Node.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeltaDecoder } from '../static/web/stream.js';

const snapshot = {
  type: 'snapshot', layer: 'aircraft', epoch: 'e1', offset: 4,
  data: { type: 'FeatureCollection', features: [
    { type: 'Feature', id: 'ae0001', geometry: { type: 'Point', coordinates: [-100.5, 40.25] },
      properties: { hex: 'ae0001', callsign: 'RCH1', alt_ft: 30000, seen: '2026-12-02T06:00:00Z', tags: [] } },
  ] },
};

describe('DeltaDecoder', () => {
  it('merges delta items into the features it holds', () => {
    const d = new DeltaDecoder();
    assert.equal(d.decode(snapshot), snapshot);
    const up = d.decode({ type: 'update', layer: 'aircraft', format: 'delta', epoch: 'e1', offset: 5,
      data: [{ id: 'ae0001', c: [-100.6, 40.3], alt_ft: 31000, seen: 1796191260, leg_start: 1796190000 }] });
    assert.equal(up.format, undefined);
    assert.equal(up.offset, 5);
    assert.equal(up.data.type, 'FeatureCollection');
    const [f] = up.data.features;
    assert.deepEqual(f.geometry.coordinates, [-100.6, 40.3]);
    assert.equal(f.properties.alt_ft, 31000);
    assert.equal(f.properties.callsign, 'RCH1', 'unchanged fields are kept');
    assert.equal(f.properties.seen, '2026-12-02T06:01:00Z');
    assert.equal(f.properties.leg_start, '2026-12-02T05:40:00Z', 'leg_start in Unix seconds becomes RFC 3339');
    // the snapshot's feature is not changed in place
    assert.equal(snapshot.data.features[0].properties.alt_ft, 30000);
  });

  it('takes full items, and drops what it cannot place', () => {
    const tests = [
      { name: 'full item for a new aircraft', item: { id: 'ae0002', f: 1, c: [1, 2], callsign: null, alt_ft: null }, want: 'ae0002' },
      { name: 'delta for an aircraft never held, without position', item: { id: 'ae0003', alt_ft: 1 }, want: null },
      { name: 'not an item', item: 7, want: null },
    ];
    for (const tt of tests) {
      const d = new DeltaDecoder();
      const up = d.decode({ type: 'update', layer: 'aircraft', format: 'delta', data: [tt.item] });
      const got = up.data.features.length ? up.data.features[0].id : null;
      assert.equal(got, tt.want, tt.name);
    }
  });

  it('forgets removed aircraft and passes other layers through', () => {
    const d = new DeltaDecoder();
    d.decode(snapshot);
    d.decode({ type: 'remove', layer: 'aircraft', ids: ['ae0001'] });
    assert.equal(d.aircraft.size, 0);
    const alert = { type: 'alert', data: { type: 'Feature' } };
    assert.equal(d.decode(alert), alert);
    const cells = { type: 'update', layer: 'cells', data: { type: 'FeatureCollection', features: [] } };
    assert.equal(d.decode(cells), cells);
  });
});
