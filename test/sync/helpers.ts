// Shared by the test/sync suites: shared memory and waiting for a worker's "I got this far".
export const shared = (n = 2): Int32Array => new Int32Array(new SharedArrayBuffer(4 * n));

/** Resolves once cells[index] reaches `atLeast` (a worker's progress flag or counter). */
export async function reached(cells: Int32Array, index = 0, atLeast = 1): Promise<void> {
  for (let seen = Atomics.load(cells, index); seen < atLeast; seen = Atomics.load(cells, index)) {
    const wait = Atomics.waitAsync(cells, index, seen, 50);
    if (wait.async) await wait.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sets cells[index] to 1 and wakes a worker waiting on it ("you may go on"). */
export function signal(cells: Int32Array, index = 0): void {
  Atomics.store(cells, index, 1);
  Atomics.notify(cells, index);
}
