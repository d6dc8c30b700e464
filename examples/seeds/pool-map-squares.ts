// examples/seeds/pool-map-squares.ts
// Seed: "How to Use Python Multiprocessing and Multithreading Effectively": `with Pool(processes=4) as pool:
// pool.map(square, [1, 2, 3, 4, 5])`, then `ProcessPoolExecutor().map(square, range(10))`.
// Node lesson: the same two lines. `square` is a task in tasks.ts, since a child process imports the module
// that defines it (Python pickles the function's module and name for the same reason); `await using` is the
// `with` block; map yields results in input order, pulled lazily, as the seed's executor.map does.
import { ProcessPoolExecutor } from '../../src/index.ts';
import { square } from './tasks.ts';

/** Collects the results and prints them as Python prints a list. */
async function printList(results: AsyncIterable<number>): Promise<void> {
  const list: number[] = [];
  for await (const result of results) list.push(result);
  console.log(`[${list.join(', ')}]`);
}

{
  await using pool = new ProcessPoolExecutor({ maxWorkers: 4 });
  await printList(pool.map(square, [1, 2, 3, 4, 5]));
}
{
  await using executor = new ProcessPoolExecutor(); // one worker per core, like ProcessPoolExecutor()
  const range10 = Array.from({ length: 10 }, (_, i) => i);
  await printList(executor.map(square, range10));
}

// prints:
// [1, 4, 9, 16, 25]
// [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]
