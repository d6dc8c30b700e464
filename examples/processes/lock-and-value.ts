// examples/processes/lock-and-value.ts
// A manager's value and Lock: two worker processes record sales. A count needs no lock (`add` is one step on
// the manager); two totals updated together do.
import { Manager, ProcessPoolExecutor } from '../../src/index.ts';
import { recordSales } from './tasks.ts';

await using manager = await Manager.start();
await using pool = new ProcessPoolExecutor({ maxWorkers: 2 });
const orders = await manager.value(0);
const totals = await manager.dict<string, number>();
const lock = await manager.Lock();

const days = [
  [120, 80, 45, 300, 15],
  [60, 250, 90, 35, 110],
];
await Promise.all(days.map((sales) => pool.submit(recordSales, sales, orders, totals, lock)));

{
  await using _ = await lock.holdAsync(); // the main thread takes the lock with the async form
  console.log(`orders: ${await orders.getAsync()}`);
  console.log(`revenue: ${await totals.getAsync('revenue')}, largest: ${await totals.getAsync('largest')}`);
}
try {
  lock.acquire(); // the blocking form: for workers only
} catch (error) {
  console.log(`on the main thread: ${(error as Error).name}`);
}

// prints:
// orders: 10
// revenue: 1105, largest: 300
// on the main thread: BlockingCallError
