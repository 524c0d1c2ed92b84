// Unit tests of static/web/prediction.js, run in Node.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { predictionText, Predictions } from '../static/web/prediction.js';

describe('prediction', () => {
  it('predictionText names the field, basis and confidence', () => {
    const tests = [
      { in: { dest: 'MSLP', name: 'El Salvador Intl', basis: 'history', confidence: 0.875 },
        want: { field: 'MSLP (El Salvador Intl)', basis: "the airframe's earlier flights", confidence: '88%' } },
      { in: { dest: 'KDEN', basis: 'course', confidence: 0.2 },
        want: { field: 'KDEN', basis: 'the course it holds (low confidence by design)', confidence: '20%' } },
      { in: { dest: 'MGGT', basis: 'plan', confidence: 'x' }, want: { field: 'MGGT', basis: 'its flight plan', confidence: '—' } },
    ];
    for (const tt of tests) assert.deepEqual(predictionText(tt.in), tt.want);
  });

  it('render draws a line from the live aircraft to each predicted field', () => {
    let data = null;
    const map = { getSource: () => ({ setData: (d) => { data = d; } }) };
    const aircraft = new Map([['ae1001', { geometry: { type: 'Point', coordinates: [-100, 25] } }]]);
    const p = new Predictions(map, { aircraft });
    p.fields.set('MSLP', { lon: -89.06, lat: 13.44, name: 'El Salvador Intl' });
    p.fields.set('QQQQ', null);
    const leg = (id, hex, dest, coords) => ({ type: 'Feature', id, geometry: { type: 'LineString', coordinates: coords },
      properties: { id, hex, callsign: 'GXA' + id, watch: 'w', predicted_destination: dest, predicted_basis: 'history', predicted_confidence: 0.88 } });
    p.legs = [
      leg('1', 'ae1001', 'MSLP', [[-106, 31], [-101, 26]]), // live position wins over the leg's last point
      leg('2', 'ae1002', 'MSLP', [[-106, 31], [-102, 27]]), // not live: the leg's last point
      leg('3', 'ae1003', 'QQQQ', [[-106, 31], [-103, 28]]), // unknown field: no line
    ];
    p.render();
    const lines = data.features.filter((f) => f.geometry.type === 'LineString');
    assert.equal(p.count, 2);
    assert.deepEqual(lines.map((f) => f.geometry.coordinates), [[[-100, 25], [-89.06, 13.44]], [[-102, 27], [-89.06, 13.44]]]);
    assert.equal(data.features.filter((f) => f.geometry.type === 'Point').length, 1, 'one marker per field');
    assert.equal(lines[0].properties.basis, 'history');
  });
});
