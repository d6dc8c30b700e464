/**
 * One measurement in a fresh process: `node case.js '<CaseSpec JSON>'`. Prints one RESULT_PREFIX line.
 *
 * The result is printed before the pool is shut down, so a shutdown that hangs or never settles costs the
 * library a note, not its figure. The process must then end by itself: there is no process.exit() on the
 * success path, so a pool that keeps handles open shows up as a hang, and a shutdown promise that never
 * settles shows up as Node's exit code 13 (unsettled top-level await); the orchestrator notes both.
 */
import { loadLibrary } from './cases/index.ts';
import * as scenarios from './scenarios.ts';
import { measureSharing, SHARING_SCENARIOS } from './sharing-scenarios.ts';
import { measureSync, SYNC_SCENARIOS } from './sync-scenarios.ts';
import type { CaseResult, CaseSpec, PoolLibrary } from './types.ts';
import { NotAvailableError, RESULT_PREFIX } from './types.ts';

/** Pools and limiters to shut down once the result is out. */
const opened: { close(): Promise<void> }[] = [];

function open<T extends { close(): Promise<void> }>(resource: T): T {
  opened.push(resource);
  return resource;
}

async function measure(spec: CaseSpec): Promise<CaseResult> {
  const { library: name, mode, scenario, params } = spec;
  if (name === 'serial') return { status: 'ok', values: scenarios.serial(params) };
  if (SYNC_SCENARIOS.has(spec.scenario)) return { status: 'ok', values: await measureSync(spec) };
  if (SHARING_SCENARIOS.has(spec.scenario)) return { status: 'ok', values: await measureSharing(spec) };
  if (name === 'atomics' || name === 'messageport' || name === 'messageport-rounds')
    throw new Error(`${name} runs only scenarios 7–9`);
  if (name === 'python' || name === 'copy') throw new Error(`${name} runs only scenarios 10–11`);
  const library = await loadLibrary(name, mode);
  if (library.kind === 'async') {
    const limiter = open((await library.load(params)).create());
    return { status: 'ok', values: await scenarios.asyncThroughput(limiter, params) };
  }
  const reason = library.unsupported(mode, scenario);
  if (reason !== null) return { status: 'na', reason };
  return measurePool(library, spec);
}

async function measurePool(library: PoolLibrary, spec: CaseSpec): Promise<CaseResult> {
  const { mode, scenario, params } = spec;
  const loaded = await library.load(mode, scenario, params);
  const ok = (values: Record<string, number>): CaseResult =>
    loaded.note === undefined ? { status: 'ok', values } : { status: 'ok', values, note: loaded.note };
  if (scenario === 'startup') {
    const start = performance.now();
    const pool = open(loaded.create());
    const result = await pool.inc(1);
    const ms = performance.now() - start;
    if (result !== 2) throw new Error(`inc(1) returned ${String(result)}`);
    return ok({ ms });
  }
  const pool = open(loaded.create());
  switch (scenario) {
    case 'tiny':
      return ok(await scenarios.tiny(pool, params));
    case 'latency':
      return ok(await scenarios.latency(pool, params));
    case 'cpu':
      return ok(await scenarios.cpu(pool, params));
    case 'copy':
    case 'transfer':
      return ok(await scenarios.payload(pool, params, scenario === 'transfer'));
    default:
      throw new Error(`scenario ${scenario} is not a pool scenario`);
  }
}

function report(result: CaseResult): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

const spec = JSON.parse(process.argv[2] ?? '{}') as CaseSpec;
try {
  report(await measure(spec));
} catch (error) {
  if (error instanceof NotAvailableError) {
    report({ status: 'na', reason: error.message });
  } else {
    report({ status: 'error', message: error instanceof Error ? error.message : String(error) });
    console.error(error);
  }
}
for (const resource of opened) {
  try {
    await resource.close();
  } catch (error) {
    console.error('shutdown failed:', error);
    process.exitCode = 2;
  }
}
