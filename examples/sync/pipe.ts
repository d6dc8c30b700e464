// examples/sync/pipe.ts
// Pipe: two connected ends. A duplex pipe carries requests and answers; a one-way pipe streams results.
import { Pipe, ThreadPoolExecutor } from '../../src/index.ts';
import { countDown, shout } from './tasks.ts';

await using pool = new ThreadPoolExecutor({ maxWorkers: 2 });

const [conn, workerEnd] = Pipe<string>(); // duplex: both ends send and receive
const answered = pool.submit(shout, workerEnd);
for (const word of ['hello', 'pipes']) {
  conn.send(word);
  console.log(await conn.recvAsync()); // recv() would block the main thread: it throws here
}
conn.close(); // the worker's recv() throws ChannelClosedError and it returns
console.log(`answered: ${await answered}`);

const [reader, writer] = Pipe<number>({ duplex: false }); // the first end receives, the second sends
const streamed = pool.submit(countDown, writer, 3);
for await (const n of reader) console.log(`countdown: ${n}`); // ends when the worker closes its end
await streamed;

// prints:
// HELLO!
// PIPES!
// answered: 2
// countdown: 3
// countdown: 2
// countdown: 1
