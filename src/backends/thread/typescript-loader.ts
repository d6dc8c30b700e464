/**
 * TypeScript in worker threads with no build step.
 *
 * On Node 20, loader hooks registered with `--import tsx` apply to the main thread only: a worker thread
 * started on a `.ts` file (or importing a `.ts` task module) fails with ERR_UNKNOWN_FILE_EXTENSION. When the
 * parent runs under tsx, each worker therefore boots through a few lines that register tsx's hooks in that
 * thread first. Child processes need none of this: they inherit `--import tsx` like any other flag.
 * On Node ≥ 22.6, type stripping covers `.ts` files in every thread without any of this.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

let cached: string | null | undefined;

/** URL of tsx's ESM API (`register()`) if this process was started under tsx, else undefined. */
export function tsxApiUrl(): string | undefined {
  if (cached === undefined) cached = findTsxApi() ?? null;
  return cached ?? undefined;
}

function findTsxApi(): string | undefined {
  const flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' ');
  if (!/\btsx\b/.test(flags)) return undefined;
  // The tsx CLI passes absolute paths into its own package; `--import tsx` is resolved from the cwd.
  const inPath = /(\S*[\\/]node_modules[\\/]tsx)[\\/]/.exec(flags.replace(/file:\/\//g, ''));
  const roots = inPath?.[1] !== undefined ? [inPath[1]] : [];
  try {
    roots.push(dirname(createRequire(join(process.cwd(), 'noop.js')).resolve('tsx/package.json')));
  } catch {
    // not resolvable from the cwd; rely on the path found in the flags, if any
  }
  for (const root of roots) {
    try {
      const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        exports?: Record<string, { import?: { default?: string } } | string>;
      };
      const api = manifest.exports?.['./esm/api'];
      const file = typeof api === 'object' ? api.import?.default : undefined;
      if (file !== undefined) return pathToFileURL(join(root, file)).href;
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

/** Source of an `eval` worker that registers tsx, then imports `entryUrl`. */
export function tsxBootstrap(apiUrl: string, entryUrl: string): string {
  return (
    `import(${JSON.stringify(apiUrl)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entryUrl)}); })` +
    `.catch((error) => { process.nextTick(() => { throw error; }); });`
  );
}
