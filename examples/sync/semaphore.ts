// examples/sync/semaphore.ts
// BoundedSemaphore: six tasks on six workers, but at most two inside the guarded section at once.
import { BoundedSemaphore, ThreadPoolExecutor, sharedArray } from '../../src/index.ts';
import { useSlot } from './tasks.ts';

await using pool = new ThreadPoolExecutor({ maxWorkers: 6 });
const slots = new BoundedSemaphore(2);
const inside = sharedArray('int32', 2); // [inside now, most inside at once]

await Promise.all(Array.from({ length: 6 }, () => pool.submit(useSlot, slots, inside)));
console.log(`most inside at once: ${inside[1]}`);
console.log(`permits free again: ${slots.value}`);

try {
  slots.release(); // one release too many: a BoundedSemaphore catches it
} catch (error) {
  console.log(`extra release: ${(error as Error).name}`);
}

// prints:
// most inside at once: 2
// permits free again: 2
// extra release: InvalidStateError
