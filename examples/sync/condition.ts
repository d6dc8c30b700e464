// examples/sync/condition.ts
// Condition: three workers wait until the main thread publishes a config, then all wake at once.
import { Condition, ThreadPoolExecutor, sharedArray } from '../../src/index.ts';
import { waitForConfig } from './tasks.ts';

await using pool = new ThreadPoolExecutor({ maxWorkers: 3 });
const cond = new Condition(); // bound to a new RLock, as Python's
const config = sharedArray('int32', 1); // [version]: 0 until published

const workers = [1, 2, 3].map((id) => pool.submit(waitForConfig, cond, config, id));
{
  await using _ = await cond.holdAsync(); // the main thread takes the lock without blocking its event loop
  config[0] = 7;
  cond.notifyAll(); // the waiters wake once this scope releases the lock
}
for (const line of await Promise.all(workers)) console.log(line);

// prints:
// worker 1 got version 7
// worker 2 got version 7
// worker 3 got version 7
