// examples/processes/pipe.ts
// A manager's Pipe: a one-way pipe between two worker processes, and a duplex one between the main thread and
// a worker.
import { Manager, ProcessPoolExecutor } from '../../src/index.ts';
import { sendReadings, shout, sumReadings } from './tasks.ts';

await using manager = await Manager.start();
await using pool = new ProcessPoolExecutor({ maxWorkers: 2 });

const [reader, writer] = await manager.Pipe<number>({ duplex: false }); // the first end receives, the second sends
const sum = pool.submit(sumReadings, reader); // one process receives...
await pool.submit(sendReadings, writer, 4); // ...while another sends 10, 20, 30, 40 and closes its end
console.log(`sum of readings: ${await sum}`);

const [conn, workerEnd] = await manager.Pipe<string>(); // duplex: both ends send and receive
const answering = pool.submit(shout, workerEnd);
for (const word of ['hello', 'processes']) {
  await conn.sendAsync(word);
  console.log(await conn.recvAsync()); // recv() would block the main thread: it throws here
}
await conn.closeAsync(); // the worker's recv() throws ChannelClosedError and it returns
await answering;

// prints:
// sum of readings: 100
// HELLO!
// PROCESSES!
