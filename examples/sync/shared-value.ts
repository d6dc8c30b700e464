// examples/sync/shared-value.ts
// sharedArray, Value and SharedArray: shared numbers that workers update in place.
import { SharedArray, ThreadPoolExecutor, Value, sharedArray } from '../../src/index.ts';
import { tally } from './tasks.ts';

await using pool = new ThreadPoolExecutor({ maxWorkers: 3 });
const chunks = [
  [3, 14, 15, 92],
  [65, 35, 89, 79],
  [32, 38, 46, 26],
];
const byRest = sharedArray('int32', 4); // a plain Int32Array over shared memory: count of n % 4
const seen = new Value('int32', 0); // one shared number with atomic add()
const best = new SharedArray('int32', [0, -1]); // [largest, its chunk], with a Lock beside it

await Promise.all(chunks.map((numbers, chunk) => pool.submit(tally, numbers, chunk, byRest, seen, best)));
console.log(`seen: ${seen.value}`);
console.log(`by n % 4: ${byRest.join(' ')}`);
console.log(`largest: ${best.array[0]} (chunk ${best.array[1]})`);

// prints:
// seen: 12
// by n % 4: 2 2 4 4
// largest: 92 (chunk 0)
