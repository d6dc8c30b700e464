import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { classify } from '../../src/advisor/classify.ts';
import { comparisonTable, markdownTable, textTable } from '../../src/advisor/comparison-table.ts';
import { renderDecisionRecord } from '../../src/advisor/decision-record.ts';
import type { ProfileMeasurements } from '../../src/advisor/measurements.ts';
import { recommend } from '../../src/advisor/recommend.ts';
import { cpuBound, trial } from '../fixtures/advisor-measurements.ts';

function named(m: ProfileMeasurements) {
  const classification = classify(m);
  return {
    name: 'work (tasks.ts)',
    command: 'spindle profile tasks.ts --task work',
    result: { classification, recommendation: recommend(m, classification), measurements: m },
  };
}

describe('renderDecisionRecord', () => {
  test('has the sections of a decision record, with the figures and the choice', () => {
    const md = renderDecisionRecord([named(cpuBound())], new Date('2025-01-02T03:04:05Z'));
    for (const heading of [
      '## Workload',
      '## What was tried',
      '## Figures',
      '## Decision',
      '## Consequences',
      '## When to revisit',
    ]) {
      assert.ok(md.includes(`\n${heading}\n`), heading);
    }
    assert.match(md, /^# Decision record: how to run work \(tasks\.ts\)/);
    assert.match(md, /\*\*cpu-bound\*\*/);
    assert.match(md, /Use \*\*threads ×2\*\*: `new ThreadPoolExecutor\(\{ maxWorkers: 2 \}\)`/);
    assert.match(md, /\| \*\*threads ×2\*\* ✔ \| 196\/s \| 1\.96× \|/);
    assert.match(md, /Reproduce:\*\* `spindle profile tasks\.ts --task work`/);
    assert.match(md, /decided from a full run/);
  });

  test('a partial run says so', () => {
    const md = renderDecisionRecord([named({ ...cpuBound(), partial: true })]);
    assert.match(md, /partial — the run was interrupted/);
  });

  test('several profiles get one section each', () => {
    const md = renderDecisionRecord([named(cpuBound()), named(cpuBound())]);
    assert.match(md, /^# Decision records: how to run 2 workloads/);
    assert.equal(md.match(/\n### Decision\n/g)?.length, 2);
  });
});

describe('comparisonTable', () => {
  test('one row per trial, failed trials shown by status, the chosen one marked', () => {
    const m = cpuBound();
    const failed = { ...trial('thread', 4, 0), status: 'failed' as const, errors: 3, error: 'Error: x' };
    const table = comparisonTable({ ...m, trials: [...m.trials, failed] }, 'threads ×2');
    assert.equal(table.rows.length, 7);
    assert.equal(table.chosen, 3);
    assert.deepEqual(table.rows[6]!.slice(0, 3), ['threads ×4', 'failed', '—']);
    assert.equal(table.rows[6]!.at(-1), '3 (Error: x)');
    assert.match(textTable(table), /▶ threads ×2 +196\/s/);
    assert.match(markdownTable(table), /\| --- \| ---: \|/);
  });
});
