import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { barChart, escapeXml, lineChart, niceTicks, rangeChart } from '../../src/advisor/svg-chart.ts';

describe('svg charts', () => {
  test('ticks are round numbers covering the maximum', () => {
    assert.deepEqual(niceTicks(9.3), [0, 2, 4, 6, 8, 10]);
    assert.deepEqual(niceTicks(180), [0, 50, 100, 150, 200]);
    assert.deepEqual(niceTicks(0), [0, 1]);
  });

  test('text is escaped', () => {
    assert.equal(escapeXml(`<a & "b">`), '&#60;a &#38; &#34;b&#34;&#62;');
  });

  test('a line chart draws one path per series of two or more points, and a marker per point', () => {
    const svg = lineChart({
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [
        {
          name: 'a',
          color: '#000',
          points: [
            { x: 1, y: 1 },
            { x: 2, y: 2 },
          ],
        },
        { name: 'b', color: '#111', points: [{ x: 2, y: 3 }] },
      ],
      references: [{ name: 'serial', color: '#222', y: 1 }],
      formatY: String,
    });
    assert.equal(svg.match(/class="series"/g)?.length, 1);
    assert.equal(svg.match(/<circle/g)?.length, 3);
    assert.equal(svg.match(/class="reference"/g)?.length, 1);
  });

  test('range and bar charts draw one shape per row', () => {
    const rows = [
      { label: 'a', color: '#000', p50: 1, p95: 2, p99: 3, value: 1 },
      { label: 'b', color: '#000', p50: 10, p95: 20, p99: 30, value: 2 },
    ];
    assert.equal(rangeChart('r', rows, String).match(/class="range"/g)?.length, 2);
    assert.equal(
      barChart('b', rows, { value: 2, label: '2 cores' }, String).match(/class="bar"/g)?.length,
      2,
    );
  });
});
