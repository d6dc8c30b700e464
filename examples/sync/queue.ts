// examples/sync/queue.ts
// Queue: the main thread puts jobs, three workers take them with a blocking get(), and the results come
// back on a second queue.
import { Queue, SimpleQueue, ThreadPoolExecutor } from '../../src/index.ts';
import { square } from './tasks.ts';

await using pool = new ThreadPoolExecutor({ maxWorkers: 3 });
const jobs = new Queue<number>({ maxsize: 4 }); // putAsync waits while 4 jobs are queued
const results = new SimpleQueue<number>();

const workers = [1, 2, 3].map(() => pool.submit(square, jobs, results));
for (let n = 1; n <= 10; n++) await jobs.putAsync(n);
jobs.close(); // no more jobs: each worker's get() throws ChannelClosedError once the queue is empty

const handled = await Promise.all(workers);
results.close(); // everything is in: the loop below ends once it has read it all
const squares: number[] = [];
for await (const square of results) squares.push(square);

console.log(`jobs handled: ${handled.reduce((a, b) => a + b)}`);
console.log(`squares: ${squares.sort((a, b) => a - b).join(' ')}`);

// prints:
// jobs handled: 10
// squares: 1 4 9 16 25 36 49 64 81 100
