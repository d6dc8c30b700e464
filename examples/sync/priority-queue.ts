// examples/sync/priority-queue.ts
// PriorityQueue: the lowest priority number comes out first; equal priorities keep their order.
import { PriorityQueue, ThreadPoolExecutor } from '../../src/index.ts';
import { handleTickets } from './tasks.ts';

await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
const tickets = new PriorityQueue<string>();

tickets.putNowait('typo on the about page', { priority: 5 });
tickets.putNowait('refund request', { priority: 2 });
tickets.putNowait('site is down', { priority: 0 });
tickets.putNowait('invoice is wrong', { priority: 2 });
tickets.putNowait('cannot log in', { priority: 1 });
tickets.close(); // the worker handles what is queued, then stops

const order = await pool.submit(handleTickets, tickets);
console.log(order.join('\n'));

// prints:
// site is down
// cannot log in
// refund request
// invoice is wrong
// typo on the about page
