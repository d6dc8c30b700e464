// examples/processes/list-and-dict.ts
// A manager's dict and list: process workers count the words of three documents and report into both.
import { Manager, ProcessPoolExecutor } from '../../src/index.ts';
import { countWords } from './tasks.ts';

await using manager = await Manager.start(); // its server process holds the objects: `with Manager() as manager:`
await using pool = new ProcessPoolExecutor({ maxWorkers: 2 });
const counts = await manager.dict<string, number>(); // a proxy: pass it to workers like any argument
const longWords = await manager.list<string>();

const documents = {
  'intro.txt': 'Processes share no memory, so a manager keeps the shared objects in a process of its own.',
  'proxy.txt': 'Every proxy method is one round trip: workers block, the main thread awaits.',
  'batch.txt': 'Batching calls with extend or update saves round trips.',
};
await Promise.all(
  Object.entries(documents).map(([name, text]) => pool.submit(countWords, name, text, counts, longWords)),
);

for (const [name, n] of [...(await counts.toMapAsync())].sort()) console.log(`${name}: ${n} words`);
// The workers appended in whatever order they ran: sort for a stable line.
console.log(`long words: ${(await longWords.toArrayAsync()).sort().join(', ')}`);

// prints:
// batch.txt: 9 words
// intro.txt: 17 words
// proxy.txt: 13 words
// long words: Batching, Processes, manager, objects, process, workers
