/**
 * V8's compiled code of the library, for the worker threads this process starts, when it could not use the
 * code cache shipped in dist/: V8 refuses that one under other V8 flags (`--no-opt`, for one; on Node 20
 * also `--max-old-space-size`), and a worker thread has its process's flags, so a cache made here suits it
 * and spares it compiling the library (~7 ms of its start). Undefined where workers can load the shipped
 * cache themselves, and where the library is no script (under tsx, or with source maps on). See
 * scripts/library-script.mjs.
 */

/** Given to the library by its loader, when it runs the library as a script; absent otherwise. */
declare const __spindleLibraryCodeCache: (() => Uint8Array | undefined) | undefined;

export function libraryCodeCache(): Uint8Array | undefined {
  return typeof __spindleLibraryCodeCache === 'function' ? __spindleLibraryCodeCache() : undefined;
}
