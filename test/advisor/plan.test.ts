import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mostlyWaits, planTrials, trialBudget } from '../../src/advisor/plan.ts';
import { strategyLabel } from '../../src/advisor/strategy.ts';
import { calibration } from '../fixtures/advisor-measurements.ts';

const labels = (quick: boolean, cal = calibration(), cores = 2): string[] =>
  planTrials(cal, { cores, quick }).map(strategyLabel);

describe('planTrials', () => {
  test('a computing task: serial, a little async, threads and processes up to the cores', () => {
    assert.deepEqual(labels(false), [
      'serial',
      'async ×4',
      'async ×32',
      'threads ×1',
      'threads ×2',
      'processes ×1',
      'processes ×2',
    ]);
  });

  test('a waiting task also gets twice the cores and more async concurrency', () => {
    const waits = calibration({ workMs: 10, cpuMs: 1 });
    assert.ok(mostlyWaits(waits));
    const plan = labels(false, waits);
    assert.ok(plan.includes('threads ×4') && plan.includes('processes ×4') && plan.includes('async ×256'));
  });

  test('only async tasks get the hybrid pattern', () => {
    assert.ok(!labels(false).some((l) => l.includes('async each')));
    const hybrid = labels(false, calibration({ returnsPromise: true }));
    assert.ok(
      hybrid.includes('threads ×2 (16 async each)') && hybrid.includes('processes ×2 (16 async each)'),
    );
  });

  test('quick tries fewer strategies', () => {
    assert.ok(labels(true).length < labels(false).length);
    assert.deepEqual(labels(true, calibration(), 8), [
      'serial',
      'async ×8',
      'threads ×1',
      'threads ×2',
      'threads ×8',
      'processes ×8',
    ]);
  });
});

describe('trialBudget', () => {
  test('quick trials are shorter, and tiny calls are measured one in sixteen', () => {
    assert.ok(trialBudget(calibration(), true).measureMs < trialBudget(calibration(), false).measureMs);
    assert.equal(trialBudget(calibration({ workMs: 0.001 }), false).measureEvery, 16);
    assert.equal(trialBudget(calibration(), false).measureEvery, 1);
    assert.equal(trialBudget(calibration(), false, 123).measureMs, 123);
  });
});
