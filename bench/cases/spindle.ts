/** Spindle: ThreadPoolExecutor and ProcessPoolExecutor, through the public API only. */
import { spindleExport } from '../spindle-api.ts';
import type { PoolLibrary } from '../types.ts';

export const library: PoolLibrary = {
  kind: 'pool',
  unsupported: (mode, scenario) =>
    mode === 'async'
      ? 'see AsyncExecutor'
      : mode === 'process' && scenario === 'transfer'
        ? 'no transfer'
        : null,
  async load(mode, _scenario, params) {
    const Executor = await spindleExport(mode === 'process' ? 'ProcessPoolExecutor' : 'ThreadPoolExecutor');
    const tasks = await import('../tasks/spindle-tasks.ts');
    return {
      create() {
        const pool = new Executor({ maxWorkers: params.workers, minWorkers: params.workers });
        return {
          inc: (n) => pool.submit(tasks.inc, n),
          spin: (n) => pool.submit(tasks.spin, n),
          byteLength: (bytes, transfer) =>
            pool.submit(
              transfer ? tasks.byteLength.with({ transfer: [bytes.buffer] }) : tasks.byteLength,
              bytes,
            ),
          close: () => pool.shutdown(),
        };
      },
    };
  },
};
