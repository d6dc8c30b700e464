// examples/processes/queue.ts
// A manager's Queue: the main thread produces jobs, two worker processes consume them with a blocking get(),
// and every job is handled exactly once, whichever worker takes it.
import { Manager, ProcessPoolExecutor } from '../../src/index.ts';
import { consume } from './tasks.ts';

await using manager = await Manager.start();
await using pool = new ProcessPoolExecutor({ maxWorkers: 2 });
const jobs = await manager.Queue<number>({ maxsize: 4 }); // putAsync waits while 4 jobs are queued
const results = await manager.Queue<[number, number]>();

const consumers = [1, 2].map(() => pool.submit(consume, jobs, results));
for (let n = 1; n <= 12; n++) await jobs.putAsync(n); // the async form: the main thread never blocks
await jobs.closeAsync(); // no more jobs: each consumer's get() throws ChannelClosedError once the queue is empty

const handled = await Promise.all(consumers);
await results.closeAsync(); // everything is in: the loop below ends once it has read it all
const answers: [number, number][] = [];
for await (const answer of results) answers.push(answer);
answers.sort(([a], [b]) => a - b); // the workers answered in whatever order they ran

console.log(`jobs handled: ${handled.reduce((a, b) => a + b)}`);
console.log(`jobs answered: ${answers.map(([n]) => n).join(' ')}`); // each exactly once
console.log(`squares: ${answers.map(([, square]) => square).join(' ')}`);

// prints:
// jobs handled: 12
// jobs answered: 1 2 3 4 5 6 7 8 9 10 11 12
// squares: 1 4 9 16 25 36 49 64 81 100 121 144
