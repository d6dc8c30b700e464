/**
 * `SharedMemory`: a named block of POSIX shared memory that any process (and any thread) can map, Python's
 * `multiprocessing.shared_memory.SharedMemory`. Its bytes are a real SharedArrayBuffer over the mapping, so
 * typed arrays and `Atomics` work on them with no copy.
 *
 *   process A: new SharedMemory({ size })  ─ shm_open(O_CREAT|O_EXCL) + ftruncate + mmap ─┐
 *   process B: SharedMemory.attach(name)   ─ shm_open + mmap ─────────────────────────────┤ the same bytes
 *   a worker:  pool.submit(task, shm)      ─ re-attached by name (a thread: the same mapping)┘
 *
 * Lifetime: `close()` lets go of this object's view; the mapping itself goes when the garbage collector
 * frees the last SharedArrayBuffer over it (unmapping under a live typed array would crash the process).
 * `unlink()` removes the name; the memory lives on until every process has let go of it. A block is unlinked
 * when the process that created it exits normally, unless it was created with `keep: true`.
 */
import type { Shareable, ShareTarget, SharedWireForm } from '../core/shareable.ts';
import { kShare, registerShareable } from '../core/shareable.ts';
import {
  InvalidArgumentError,
  InvalidStateError,
  SharedMemoryExistsError,
  SharedMemoryNotFoundError,
} from '../errors.ts';
import { nodeCrypto } from '../core/lazy-builtins.ts';
import { describe } from '../sync/options.ts';
import { native } from './native.ts';
import { rejectUnknownOptions } from '../core/known-options.ts';

const KIND = 'spindle.SharedMemory';
/** The prefix of every name Spindle makes up, so its blocks are recognisable in /dev/shm. */
export const NAME_PREFIX = 'spindle-';
/** NAME_MAX: the block is a file in /dev/shm. */
const MAX_NAME_BYTES = 255;

/** Options of `new SharedMemory()`. */
export interface SharedMemoryOptions {
  /**
   * The block's name, which other processes pass to `SharedMemory.attach()`: 1 to 255 bytes with no `/`
   * inside (a leading `/`, as POSIX writes it, is allowed and dropped).
   * @default `spindle-<pid>-<random>`
   */
  readonly name?: string;
  /** Its size in bytes, an integer from 1 up. The memory starts zero-filled. */
  readonly size: number;
  /**
   * Leave the block in place when this process exits. By default the process that created a block unlinks
   * it on a normal exit (the end of its event loop, `process.exit()`, an uncaught exception); a process killed
   * by a signal cannot clean up, whatever this says.
   * @default false
   */
  readonly keep?: boolean;
}

/** How a block crosses to a worker: by name (and, to a thread, as its very SharedArrayBuffer). */
export interface SharedMemoryState {
  readonly name: string;
  readonly size: number;
  readonly buffer?: SharedArrayBuffer;
}

/** Set just around the constructor by {@link SharedMemory.attach} and the reviver: attach instead of create. */
let attaching: { readonly name: string; readonly buffer: SharedArrayBuffer } | undefined;

/**
 * A block of shared memory that every process (and thread) attached to it sees: what one writes, the others
 * read, with no copying. Pass it to a process or thread worker as a task argument, and it arrives attached
 * to the same block.
 *
 * Caveats: Linux only (the native addon; NativeUnavailableError elsewhere or if it did not build). Plain
 * reads and writes from several processes race as they do between threads: guard them with a
 * {@link ProcessLock} or use `Atomics` on an Int32Array over `buffer`.
 * @example
 * ```ts
 * using shm = new SharedMemory({ size: 1024 });
 * const counters = new Int32Array(shm.buffer);
 * await pool.submit(countWords, shm, 'book.txt'); // a process worker: Atomics.add(new Int32Array(shm.buffer), 0, n)
 * console.log(Atomics.load(counters, 0));
 * // elsewhere: SharedMemory.attach(shm.name)
 * ```
 */
export class SharedMemory implements Shareable, Disposable {
  /** The block's name, without a leading `/`: what `SharedMemory.attach()` takes. */
  readonly name: string;
  /** Its size in bytes. */
  readonly size: number;
  #buffer: SharedArrayBuffer | undefined;
  #bytes: Uint8Array | undefined;

  /**
   * Creates a new block, zero-filled.
   * @throws InvalidArgumentError for a bad name or size; SharedMemoryExistsError if the name is taken;
   * NativeUnavailableError without the native addon; a system error (`code` EACCES, ENOSPC, ...) as `fs` does.
   */
  constructor(options: SharedMemoryOptions) {
    const adopt = attaching;
    attaching = undefined;
    if (adopt !== undefined) {
      this.name = adopt.name;
      this.#buffer = adopt.buffer;
      this.size = adopt.buffer.byteLength;
      return;
    }
    if (typeof options !== 'object' || options === null)
      throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
    rejectUnknownOptions(options, ['name', 'size', 'keep'], 'new SharedMemory(options)');
    const { name, size, keep = false } = options;
    this.name = name === undefined ? defaultName() : checkName(name);
    this.size = checkSize(size);
    if (typeof keep !== 'boolean')
      throw new InvalidArgumentError(`Expected \`keep\` to be a boolean, got ${describe(keep)}`);
    const binding = native();
    try {
      this.#buffer = binding.create(`/${this.name}`, this.size, keep);
    } catch (error) {
      throw translate(error, this.name);
    }
  }

  /**
   * Attaches to the existing block `name` (made by `new SharedMemory()` here or in another process).
   * @throws SharedMemoryNotFoundError if there is none; InvalidArgumentError for a bad name.
   * @example
   * ```ts
   * const shm = SharedMemory.attach(process.argv[2]);
   * const view = new Float64Array(shm.buffer);
   * ```
   */
  static attach(name: string): SharedMemory {
    const bare = checkName(name);
    const binding = native();
    let buffer: SharedArrayBuffer;
    try {
      buffer = binding.attach(`/${bare}`);
    } catch (error) {
      throw translate(error, bare);
    }
    attaching = { name: bare, buffer };
    return new SharedMemory(undefined as never);
  }

  /**
   * The block's bytes as a SharedArrayBuffer (the mapping itself, no copy): put any typed array over it.
   * @throws InvalidStateError after `close()`.
   */
  get buffer(): SharedArrayBuffer {
    if (this.#buffer === undefined) throw this.#closedError();
    return this.#buffer;
  }

  /**
   * The block's bytes as a Uint8Array over {@link buffer}.
   * @throws InvalidStateError after `close()`.
   */
  get bytes(): Uint8Array {
    this.#bytes ??= new Uint8Array(this.buffer);
    return this.#bytes;
  }

  /** True after `close()`. */
  get closed(): boolean {
    return this.#buffer === undefined;
  }

  /**
   * Lets go of this object's view of the block: `buffer` and `bytes` throw InvalidStateError from now on.
   * The block stays (see `unlink()`), as do typed arrays already made over it; the mapping is released once
   * none is left. Closing twice is harmless.
   */
  close(): void {
    this.#buffer = undefined;
    this.#bytes = undefined;
  }

  /**
   * Removes the block's name, so no process can attach to it any more; processes that have it keep it until
   * they let go. Call it once, from one process, when the block is no longer needed (its creator does so on
   * exit anyway, unless `keep: true`). Allowed after `close()`.
   * @throws SharedMemoryNotFoundError if the name is already gone.
   */
  unlink(): void {
    try {
      native().unlink(`/${this.name}`);
    } catch (error) {
      throw translate(error, this.name);
    }
  }

  /** Called by `using` at scope end: `close()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal How the block crosses to a worker: its name (to a thread, also its SharedArrayBuffer). */
  [kShare](target: ShareTarget): SharedWireForm {
    const buffer = this.buffer;
    const state: SharedMemoryState =
      target === 'thread'
        ? { name: this.name, size: this.size, buffer }
        : { name: this.name, size: this.size };
    return { kind: KIND, state };
  }

  #closedError(): InvalidStateError {
    return new InvalidStateError(`The SharedMemory "${this.name}" is closed: attach to it again to use it`);
  }
}

/**
 * @internal The block a wire form names: a thread adopts the very SharedArrayBuffer (no system call, and it
 * works even after the name was unlinked); a process attaches by name.
 */
export function reviveSharedMemory(state: SharedMemoryState): SharedMemory {
  if (state.buffer === undefined) return SharedMemory.attach(state.name);
  attaching = { name: state.name, buffer: state.buffer };
  return new SharedMemory(undefined as never);
}

function defaultName(): string {
  return `${NAME_PREFIX}${process.pid}-${nodeCrypto().randomBytes(6).toString('hex')}`;
}

/** A valid name without its leading '/'. */
function checkName(name: unknown): string {
  if (typeof name !== 'string')
    throw new InvalidArgumentError(`Expected \`name\` to be a string, got ${describe(name)}`);
  const bare = name.startsWith('/') ? name.slice(1) : name;
  if (
    bare.length === 0 ||
    bare.includes('/') ||
    bare.includes('\0') ||
    bare === '.' ||
    bare === '..' ||
    Buffer.byteLength(bare) > MAX_NAME_BYTES
  )
    throw new InvalidArgumentError(
      `Expected \`name\` to be a shared-memory name of 1 to ${MAX_NAME_BYTES} bytes with no '/' inside ` +
        `(a leading '/' is allowed), got ${describe(name)}`,
    );
  return bare;
}

function checkSize(size: unknown): number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1)
    throw new InvalidArgumentError(
      `Expected \`size\` to be an integer number of bytes from 1 up, got ${describe(size)}`,
    );
  return size;
}

/** The addon's system error as the Spindle error it means, or as itself (EACCES, ENOSPC, ... as `fs` throws them). */
function translate(error: unknown, name: string): unknown {
  switch ((error as NodeJS.ErrnoException | null)?.code) {
    case 'EEXIST':
      return new SharedMemoryExistsError(
        `A shared-memory block named "${name}" already exists: attach to it with SharedMemory.attach(), ` +
          'unlink it, or choose another name',
        { cause: error },
      );
    case 'ENOENT':
      return new SharedMemoryNotFoundError(`No shared-memory block is named "${name}"`, { cause: error });
    case 'ENAMETOOLONG':
      return new InvalidArgumentError(`The shared-memory name "${name}" is too long`, { cause: error });
    case 'EINVAL':
      return new InvalidStateError(
        `The shared-memory block "${name}" cannot be mapped: it is empty (its creator has not sized it yet) ` +
          'or too large for this process',
        { cause: error },
      );
    default:
      return error;
  }
}

registerShareable(KIND, reviveSharedMemory);
