/**
 * Node built-ins loaded through `require`, for two reasons.
 *
 * Those only some features need load on first use. Every worker thread and process loads the whole library,
 * and a static import of a built-in that is not in Node's start-up snapshot compiles it there and then:
 * node:crypto, node:net and node:child_process cost a worker thread ~2 ms of its start-up (measured), for the
 * manager, shared-memory names and process pools, which most workers never use; node:v8 ~1.5 ms of a worker
 * process's (~0.4 ms of a thread's), for values the shared-memory codec cannot carry. `require` caches them,
 * so later calls are a lookup.
 *
 * The worker entries (thread-entry.ts, process-entry.ts) take even the built-ins they always use from here,
 * so that they stay free of ES imports of built-ins whatever form they take (ES modules under tsx, CommonJS in
 * the build): an ES import of a built-in builds a facade that reads every export, which loads whatever the
 * built-in's lazy getters hold (node:fs's promises API and streams, for one): ~1–2 ms of a worker process's
 * start-up (CPU profile), for nothing it uses.
 */
import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';
import type * as Fs from 'node:fs';
import type * as Module from 'node:module';
import { createRequire } from 'node:module';
import type * as Net from 'node:net';
import type * as Os from 'node:os';
import type * as Url from 'node:url';
import type * as Util from 'node:util';
import type * as V8 from 'node:v8';
import type * as WorkerThreads from 'node:worker_threads';

const require = createRequire(import.meta.url);
let v8: typeof V8 | undefined;
let workerThreads: typeof WorkerThreads | undefined;

export function nodeCrypto(): typeof Crypto {
  return require('node:crypto') as typeof Crypto;
}

export function nodeNet(): typeof Net {
  return require('node:net') as typeof Net;
}

export function nodeChildProcess(): typeof ChildProcess {
  return require('node:child_process') as typeof ChildProcess;
}

/** Held once loaded: some callers serialize a value per message. */
export function nodeV8(): typeof V8 {
  return (v8 ??= require('node:v8') as typeof V8);
}

export function nodeFs(): typeof Fs {
  return require('node:fs') as typeof Fs;
}

/** Held once loaded: locks ask for the thread's identity on every acquire (a `require` costs ~0.2 µs). */
export function nodeWorkerThreads(): typeof WorkerThreads {
  return (workerThreads ??= require('node:worker_threads') as typeof WorkerThreads);
}

export function nodeModule(): typeof Module {
  return require('node:module') as typeof Module;
}

export function nodeUrl(): typeof Url {
  return require('node:url') as typeof Url;
}

export function nodeUtil(): typeof Util {
  return require('node:util') as typeof Util;
}

export function nodeOs(): typeof Os {
  return require('node:os') as typeof Os;
}
