// examples/sync/joinable-queue.ts
// JoinableQueue: workers call taskDone() for every job, so the main thread can wait until all are done.
import { JoinableQueue, ThreadPoolExecutor, Value } from '../../src/index.ts';
import { resize } from './tasks.ts';

await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
const jobs = new JoinableQueue<string>();
const done = new Value('int32', 0);

const workers = [1, 2].map(() => pool.submit(resize, jobs, done));
for (let i = 1; i <= 8; i++) await jobs.putAsync(`photo-${i}.jpg`);

await jobs.joinAsync({ timeout: 10_000 }); // every job taken *and* reported done, not merely taken
console.log(`done: ${done.value}, unfinished: ${jobs.unfinishedTasks}`);

jobs.close(); // the workers are idle in get(): let them return
await Promise.all(workers);

// prints:
// done: 8, unfinished: 0
