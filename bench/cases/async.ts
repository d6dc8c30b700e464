/** Scenario 6 contenders: Spindle's AsyncExecutor and p-limit, each running `incAsync` at one concurrency. */
import pLimit from 'p-limit';
import { spindleExport } from '../spindle-api.ts';
import work from '../tasks/work.cts';
import type { AsyncLibrary } from '../types.ts';

export const spindleAsync: AsyncLibrary = {
  kind: 'async',
  async load(params) {
    const AsyncExecutor = await spindleExport('AsyncExecutor');
    return {
      create() {
        const executor = new AsyncExecutor({ maxConcurrency: params.asyncConcurrency });
        return {
          run: (n) => executor.submit(work.incAsync, n),
          close: async () => {
            await executor.shutdown?.();
          },
        };
      },
    };
  },
};

export const pLimitAsync: AsyncLibrary = {
  kind: 'async',
  async load(params) {
    return {
      create() {
        const limit = pLimit(params.asyncConcurrency);
        return { run: (n) => limit(work.incAsync, n), close: async () => {} };
      },
    };
  },
};
