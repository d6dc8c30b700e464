// examples/seeds/queue-to-processes.ts
// Seed: "A Guide to Multithreading and Multiprocessing in Python": five `Process(target=worker,
// args=(queue,))` each take one message from a `multiprocessing.Queue`, which the main process fills.
// Node lesson: a manager's `Queue` is that queue: its proxy passes to the processes, each blocking `get()`
// waits in its own process, and the main thread puts with `await queue.putAsync()` (its event loop never
// blocks). Each message reaches exactly one process. Here each worker returns its line instead of printing
// it, so the output does not interleave.
import { Manager, Process } from '../../src/index.ts';
import { receiveOne } from './tasks.ts';

{
  await using manager = await Manager.start();
  const queue = await manager.Queue<string>();
  const processes = [0, 1, 2, 3, 4].map(() => new Process(receiveOne, queue).start());
  for (let i = 0; i < 5; i++) await queue.putAsync(`Message ${i}`);
  const lines = await Promise.all(processes.map((p) => p.result()));
  // Which process got which message depends on who asked first: sort for a stable output.
  for (const line of lines.sort()) console.log(line);
}

// prints:
// Received message: Message 0
// Received message: Message 1
// Received message: Message 2
// Received message: Message 3
// Received message: Message 4
