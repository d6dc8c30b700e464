/** piscina: worker threads only. Defaults kept (atomics 'sync'); transfer through `transferList`. */
import { Piscina } from 'piscina';
import { workerFile } from '../tasks/files.ts';
import type { PoolLibrary } from '../types.ts';

export const library: PoolLibrary = {
  kind: 'pool',
  unsupported: (mode) => (mode === 'thread' ? null : 'threads only'),
  async load(_mode, _scenario, params) {
    const filename = workerFile('work');
    return {
      create() {
        const pool = new Piscina({
          filename,
          minThreads: params.workers,
          maxThreads: params.workers,
          execArgv: [],
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
