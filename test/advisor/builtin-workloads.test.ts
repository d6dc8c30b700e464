// The built-in workloads of `spindle profile --builtin` (`npm run demo`), profiled for real: each is
// classified as the kind it stands for, and the recommendation is the fastest measured strategy or one within
// the noise tolerance of it. Structure and classification only, never timings: the machine is shared.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { profile } from '../../src/advisor/profile.ts';
import { BUILTIN_WORKLOADS } from '../../src/advisor/workloads/catalog.ts';

const TOLERANCE = 0.05; // recommend.ts's default

describe('built-in workloads', () => {
  for (const workload of BUILTIN_WORKLOADS) {
    test(`${workload.name}: classified as ${workload.name}; the recommendation measured fastest (within noise)`, async () => {
      const result = await profile(workload.task, {
        quick: true,
        trialMs: 300,
        argLists: workload.argLists(),
      });
      assert.equal(
        result.classification.kind,
        workload.name,
        `evidence: ${result.classification.evidence.map((e) => JSON.stringify(e)).join('; ')}`,
      );
      const ok = result.measurements.trials.filter((t) => t.status === 'ok' && t.errors === 0);
      const fastest = Math.max(...ok.map((t) => t.throughput));
      const chosen = ok.find((t) => t.label === result.recommendation.label);
      assert.ok(
        chosen !== undefined,
        `the recommendation ${result.recommendation.label} is a measured strategy`,
      );
      assert.ok(
        chosen.throughput >= fastest * (1 - TOLERANCE),
        `${chosen.label} measured ${chosen.throughput.toFixed(1)}/s; the fastest ${fastest.toFixed(1)}/s`,
      );
    });
  }
});
