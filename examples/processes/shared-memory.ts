// examples/processes/shared-memory.ts
// SharedMemory: a million float64s (8 MB) that two worker processes fill in slices, in place. Nothing is
// copied: each process puts a Float64Array over the same block.
import { ProcessPoolExecutor, SharedMemory } from '../../src/index.ts';
import { fillSlice } from './tasks.ts';

const length = 1_000_000;
await using pool = new ProcessPoolExecutor({ maxWorkers: 2 });
using shm = new SharedMemory({ size: length * Float64Array.BYTES_PER_ELEMENT }); // zero-filled; `using` closes it
const values = new Float64Array(shm.buffer);

const half = length / 2;
const filled = await Promise.all([
  pool.submit(fillSlice, shm, 0, half), // the worker attaches to the block by name
  pool.submit(fillSlice, shm, half, length),
]);
let sum = 0;
for (const value of values) sum += value; // the workers' writes, read in place

console.log(`filled: ${filled.join(' + ')} values`);
console.log(`values[144] = ${values[144]}, values[999999] = ${values[999_999]!.toFixed(4)}`);
console.log(`sum: ${Math.round(sum)}`);
shm.unlink(); // done with it: remove its name now (its creator does so at exit anyway, unless `keep: true`)

// prints:
// filled: 500000 + 500000 values
// values[144] = 12, values[999999] = 999.9995
// sum: 666666166
