// examples/sync/lifo-queue.ts
// LifoQueue: a stack between threads. A worker pushes the pages it visits; the main thread pops them.
import { LifoQueue, ThreadPoolExecutor } from '../../src/index.ts';
import { visit } from './tasks.ts';

await using pool = new ThreadPoolExecutor({ maxWorkers: 1 });
const history = new LifoQueue<string>();

await pool.submit(visit, history, ['/home', '/docs', '/docs/queues']);
const back: string[] = [];
while (!history.empty()) back.push(history.getNowait()); // the newest first
console.log(`back: ${back.join(' <- ')}`);

// prints:
// back: /docs/queues <- /docs <- /home
