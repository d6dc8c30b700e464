// examples/sync/barrier.ts
// Barrier: three workers, one cell each, move in lock-step. In each step a cell becomes itself plus its
// right neighbour, read from the previous step's row; the action reports each finished step.
import { Barrier, ThreadPoolExecutor, sharedArray } from '../../src/index.ts';
import { stepCell } from './tasks.ts';

await using pool = new ThreadPoolExecutor({ maxWorkers: 3 });
const rows = sharedArray('int32', [1, 2, 3, 0, 0, 0]); // two rows of three: this step's and the next one's
let step = 0;
const barrier = new Barrier(3, {
  timeout: 10_000, // a wait that times out breaks the barrier for every party
  action: () => {
    // runs once per trip, on the main thread (which made the barrier), before any worker goes on
    step++;
    const row = step % 2 === 1 ? rows.subarray(3, 6) : rows.subarray(0, 3); // odd steps write the second row
    console.log(`after step ${step}: ${row.join(' ')}`);
  },
});

await Promise.all([0, 1, 2].map((cell) => pool.submit(stepCell, rows, barrier, cell, 3)));

// prints:
// after step 1: 3 5 4
// after step 2: 8 9 7
// after step 3: 17 16 15
