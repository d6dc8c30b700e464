// examples/processes/condition-event.ts
// A manager's Event and Condition: two worker processes wait for the start signal, then until the main thread
// has published the config version they need.
import { Manager, ProcessPoolExecutor } from '../../src/index.ts';
import { awaitConfig } from './tasks.ts';

await using manager = await Manager.start();
await using pool = new ProcessPoolExecutor({ maxWorkers: 2 });
const start = await manager.Event();
const cond = await manager.Condition(); // over a new RLock of the manager, as Python's
const config = await manager.namespace<{ version: number }>();

const workers = [1, 2].map((id) => pool.submit(awaitConfig, start, cond, config, id));
await start.setAsync(); // wakes every waiter; later waits return at once
for (const version of [1, 2]) {
  await using _ = await cond.holdAsync();
  await config.setAsync('version', version);
  await cond.notifyAllAsync(); // the waiters check again once this scope releases the lock
}
for (const line of await Promise.all(workers)) console.log(line);

// prints:
// worker 1 saw version 2
// worker 2 saw version 2
