/**
 * poolifier: FixedThreadPool (threads) and FixedClusterPool (cluster processes). Cluster IPC is JSON by
 * default, which cannot carry a Uint8Array; the copy scenario sets `settings.serialization: 'advanced'`.
 * Transfer passes `transferList` to `execute` (threads only).
 */
import { FixedClusterPool, FixedThreadPool } from 'poolifier';
import { workerFile } from '../tasks/files.ts';
import type { PoolLibrary } from '../types.ts';

type Pool = FixedThreadPool<number | Uint8Array, number> | FixedClusterPool<number | Uint8Array, number>;

export const library: PoolLibrary = {
  kind: 'pool',
  unsupported: (mode, scenario) =>
    mode === 'async' ? 'no async mode' : mode === 'process' && scenario === 'transfer' ? 'no transfer' : null,
  async load(mode, scenario, params) {
    const advanced = mode === 'process' && scenario === 'copy';
    const makePool = (): Pool =>
      mode === 'process'
        ? new FixedClusterPool(params.workers, workerFile('poolifier-cluster-worker'), {
            settings: { execArgv: [], ...(advanced ? { serialization: 'advanced' } : {}) },
          })
        : new FixedThreadPool(params.workers, workerFile('poolifier-thread-worker'), {
            workerOptions: { execArgv: [] },
          });
    return {
      note: advanced
        ? "settings.serialization: 'advanced' (JSON default cannot carry a Uint8Array)"
        : undefined,
      create() {
        const pool = makePool();
        return {
          inc: (n) => pool.execute(n, 'inc'),
          spin: (n) => pool.execute(n, 'spin'),
          byteLength: (bytes, transfer) =>
            transfer
              ? pool.execute(bytes, 'byteLength', undefined, [bytes.buffer])
              : pool.execute(bytes, 'byteLength'),
          close: () => pool.destroy(),
        };
      },
    };
  },
};
