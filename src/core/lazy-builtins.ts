/**
 * Node built-ins that only some features need, loaded on first use.
 *
 * Every worker thread and process loads the whole library, and a static import of a built-in that is not
 * in Node's start-up snapshot compiles it there and then: node:crypto, node:net and node:child_process cost a
 * worker thread ~2 ms of its start-up (measured), for the manager, shared-memory names and process pools,
 * which most workers never use. `require` caches them, so later calls are a lookup.
 */
import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Net from 'node:net';

const require = createRequire(import.meta.url);

export function nodeCrypto(): typeof Crypto {
  return require('node:crypto') as typeof Crypto;
}

export function nodeNet(): typeof Net {
  return require('node:net') as typeof Net;
}

export function nodeChildProcess(): typeof ChildProcess {
  return require('node:child_process') as typeof ChildProcess;
}
