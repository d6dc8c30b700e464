/**
 * workerpool: `workerType: 'thread'` and `workerType: 'process'` (child_process.fork). Processes talk JSON by
 * default, which cannot carry a Uint8Array; the copy scenario sets `forkOpts.serialization: 'advanced'`.
 * Transfer uses its `transfer` exec option (threads only).
 */
import workerpool from 'workerpool';
import { workerFile } from '../tasks/files.ts';
import type { PoolLibrary } from '../types.ts';

export const library: PoolLibrary = {
  kind: 'pool',
  unsupported: (mode, scenario) =>
    mode === 'async' ? 'no async mode' : mode === 'process' && scenario === 'transfer' ? 'no transfer' : null,
  async load(mode, scenario, params) {
    const script = workerFile('workerpool-worker');
    const advanced = mode === 'process' && scenario === 'copy';
    return {
      note: advanced
        ? "forkOpts.serialization: 'advanced' (JSON default cannot carry a Uint8Array)"
        : undefined,
      create() {
        const pool = workerpool.pool(script, {
          workerType: mode === 'process' ? 'process' : 'thread',
          minWorkers: params.workers,
          maxWorkers: params.workers,
          ...(mode === 'process'
            ? { forkOpts: { execArgv: [], ...(advanced ? { serialization: 'advanced' } : {}) } }
            : { workerThreadOpts: { execArgv: [] } }),
        });
        return {
          inc: (n) => pool.exec('inc', [n]) as PromiseLike<number>,
          spin: (n) => pool.exec('spin', [n]) as PromiseLike<number>,
          byteLength: (bytes, transfer) =>
            pool.exec(
              'byteLength',
              [bytes],
              transfer ? { transfer: [bytes.buffer] } : undefined,
            ) as PromiseLike<number>,
          close: async () => {
            await pool.terminate();
          },
        };
      },
    };
  },
};
