// examples/sync/event.ts
// Event: workers start at once, then wait for the main thread's signal before they read the data.
import { Event, ThreadPoolExecutor, sharedArray } from '../../src/index.ts';
import { sumWhenStarted } from './tasks.ts';

await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });
const start = new Event();
const data = sharedArray('int32', 4);

const sums = [0, 2].map((from) => pool.submit(sumWhenStarted, start, data, from)); // they wait
data.set([1, 2, 30, 40]); // the main thread prepares the input meanwhile
start.set(); // wakes every waiter; later waits return at once
console.log(`sums: ${(await Promise.all(sums)).join(', ')}`);
console.log(`set: ${start.isSet()}`);

// prints:
// sums: 3, 70
// set: true
