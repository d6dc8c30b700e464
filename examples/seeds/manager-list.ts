// examples/seeds/manager-list.ts
// Seed: "How to Use Python Multiprocessing and Multithreading Effectively": processes share no memory, so
// `with Manager() as manager: shared_list = manager.list()` gives them a list to fill together.
// Node lesson: the same in Node. `Manager.start()` runs the list in a server process of its own, and the proxy
// passes to each `Process` as an ordinary argument. Every call is a round trip to that server (tens of
// microseconds, see the benchmark), so send batches (`extend`) where you can, and reach for `SharedMemory`
// when the data is numbers: no round trip at all.
import { Manager, Process } from '../../src/index.ts';
import { appendSquare } from './tasks.ts';

{
  await using manager = await Manager.start(); // `with Manager() as manager:`
  const sharedList = await manager.list<number>();
  const processes = [0, 1, 2, 3, 4].map((n) => new Process(appendSquare, sharedList, n));
  for (const p of processes) p.start();
  for (const p of processes) await p.join();
  // The processes appended in whatever order they ran: sort for a stable line.
  const items = (await sharedList.toArrayAsync()).sort((a, b) => a - b);
  console.log(`shared_list holds ${items.length} items: [${items.join(', ')}]`);
}

// prints:
// shared_list holds 5 items: [0, 1, 4, 9, 16]
