/**
 * tinypool: `runtime: 'worker_threads'` and `runtime: 'child_process'`. Its process runtime serializes with
 * JSON by default, which turns a Uint8Array into a plain object; the copy scenario therefore sets
 * `serialization: 'advanced'` (structured clone), the only setting under which the task gets its bytes.
 */
import { Tinypool } from 'tinypool';
import { workerFile } from '../tasks/files.ts';
import type { PoolLibrary } from '../types.ts';

export const library: PoolLibrary = {
  kind: 'pool',
  unsupported: (mode, scenario) =>
    mode === 'async' ? 'no async mode' : mode === 'process' && scenario === 'transfer' ? 'no transfer' : null,
  async load(mode, scenario, params) {
    const filename = workerFile('work');
    const advanced = mode === 'process' && scenario === 'copy';
    return {
      note: advanced ? "serialization: 'advanced' (JSON default cannot carry a Uint8Array)" : undefined,
      create() {
        const pool = new Tinypool({
          filename,
          runtime: mode === 'process' ? 'child_process' : 'worker_threads',
          minThreads: params.workers,
          maxThreads: params.workers,
          execArgv: [],
          ...(advanced ? { serialization: 'advanced' as const } : {}),
        });
        return {
          inc: (n) => pool.run(n, { name: 'inc' }),
          spin: (n) => pool.run(n, { name: 'spin' }),
          byteLength: (bytes, transfer) =>
            pool.run(
              bytes,
              transfer ? { name: 'byteLength', transferList: [bytes.buffer] } : { name: 'byteLength' },
            ),
          close: () => pool.destroy(),
        };
      },
    };
  },
};
