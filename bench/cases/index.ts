/** Library name → its adapter module, imported lazily so a case process loads only the library it measures. */
import type { Library, LibraryName, Mode } from '../types.ts';

/** The libraries with an adapter: the baselines of scenarios 3 and 7–11 are measured without one. */
export type AdaptedLibrary = Exclude<
  LibraryName,
  'serial' | 'atomics' | 'messageport' | 'messageport-rounds' | 'python' | 'copy'
>;

export async function loadLibrary(name: AdaptedLibrary, mode: Mode): Promise<Library> {
  switch (name) {
    case 'spindle':
      return mode === 'async'
        ? (await import('./async.ts')).spindleAsync
        : (await import('./spindle.ts')).library;
    case 'p-limit':
      return (await import('./async.ts')).pLimitAsync;
    case 'piscina':
      return (await import('./piscina.ts')).library;
    case 'tinypool':
      return (await import('./tinypool.ts')).library;
    case 'workerpool':
      return (await import('./workerpool.ts')).library;
    case 'poolifier':
      return (await import('./poolifier.ts')).library;
  }
}
