/**
 * The work every library runs. Defined once, as plain functions with no imports, so that every pool executes
 * the same code; piscina and tinypool load this module directly as their worker file.
 *
 * CommonJS on purpose: poolifier's cluster worker must be CommonJS (see poolifier-cluster-worker.cts), and it
 * has to `require` this file; ES modules import it too.
 */

/** Scenario 1 and 2: the smallest possible task. */
function inc(n: number): number {
  return n + 1;
}

/**
 * Scenario 3: a fixed-iteration integer loop that V8 cannot fold away (the result depends on every step).
 * The orchestrator calibrates `iterations` so one call takes about 250 ms on this machine.
 */
function spin(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x = (Math.imul(x, 31) + i) | 0;
  return x;
}

/** Scenario 4: the worker only reads the length, so the figure is the cost of moving the bytes. */
function byteLength(bytes: Uint8Array): number {
  return bytes.byteLength;
}

/** Scenario 6: the async counterpart of {@link inc}, for AsyncExecutor and p-limit. */
async function incAsync(n: number): Promise<number> {
  return n + 1;
}

export = { inc, spin, byteLength, incAsync };
