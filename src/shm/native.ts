/**
 * Loads Spindle's native addon (native/*.cc, built at install into build/Release/spindle_shm.node) on first
 * use, never at import: a machine where it did not build still imports and runs everything else, and only
 * the classes that need it throw NativeUnavailableError, saying why and how to rebuild.
 *
 * The addon is found by walking up from this module to the package root (the directory whose package.json
 * is Spindle's), so the same code finds it from src/shm/ (tests, through tsx) and from dist/chunk-*.js
 * (the bundle). `SPINDLE_NATIVE_ADDON=/path/to/spindle_shm.node` overrides the search.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NativeUnavailableError } from '../errors.ts';

/** What native/addon.cc exports (see the table at its top). */
export interface NativeBinding {
  /** A SharedArrayBuffer over a new block `name` (with its leading '/'); throws a system error (EEXIST, ...). */
  create(name: string, size: number, keep: boolean): SharedArrayBuffer;
  /** A SharedArrayBuffer over the existing block `name`; throws a system error (ENOENT, ...). */
  attach(name: string): SharedArrayBuffer;
  unlink(name: string): void;
  /** A new nameless block (memfd): its descriptor, left open (close-on-exec) to hand to a child, and its memory. */
  createAnonymous(size: number): [fd: number, buffer: SharedArrayBuffer];
  /** The memory of the block behind `fd` (one a parent passed down); closes `fd`, whether or not it succeeds. */
  attachDescriptor(fd: number): SharedArrayBuffer;
  /**
   * Closes a descriptor {@link createAnonymous} returned. `fs.closeSync` would too, but in a worker thread Node
   * warns about closing a descriptor that its fs module did not open.
   */
  closeDescriptor(fd: number): void;
  /** Sleeps while the int32 at `byteOffset` equals `expected`: 0 woken, 1 not equal, 2 timed out. */
  wait(buffer: SharedArrayBuffer, byteOffset: number, expected: number, timeoutMs: number): number;
  /** The same on the thread pool; false (and no call) when the process already runs its most pool waits. */
  waitAsync(
    buffer: SharedArrayBuffer,
    byteOffset: number,
    expected: number,
    timeoutMs: number,
    callback: (outcome: number) => void,
  ): boolean;
  /** Wakes up to `count` waiters of any process on the int32 at `byteOffset`; returns how many. */
  wake(buffer: SharedArrayBuffer, byteOffset: number, count: number): number;
  /** An ArrayBuffer holding a copy of the view's bytes, in a block of native memory reused after it is freed. */
  copyBytes(view: ArrayBufferView): ArrayBuffer;
  /** Unmaps the blocks {@link copyBytes} freed at least `minIdleMs` ago; returns the bytes it still keeps. */
  trimCopies(minIdleMs: number): number;
  /** V8's gc(), as `--expose-gc` installs it, or undefined where it cannot be had (see addon.cc). */
  collectorFunction(): ((options?: { type: 'minor' | 'major' }) => void) | undefined;
}

/** The environment variable naming the addon file to load instead of the one the search finds. */
export const ADDON_PATH_ENV = 'SPINDLE_NATIVE_ADDON';

const ADDON_FILE = join('build', 'Release', 'spindle_shm.node');
const FUNCTIONS = [
  'create',
  'attach',
  'unlink',
  'createAnonymous',
  'attachDescriptor',
  'closeDescriptor',
  'wait',
  'waitAsync',
  'wake',
  'copyBytes',
  'trimCopies',
  'collectorFunction',
] as const;

let binding: NativeBinding | undefined;
/** Why loading failed, kept so every later use fails the same way without trying again. */
let failure: { readonly reason: string; readonly cause: unknown } | undefined;

/**
 * The addon, loaded on first call.
 * @throws NativeUnavailableError if it cannot be loaded (the reason, and how to rebuild, in the message).
 */
export function native(): NativeBinding {
  if (binding !== undefined) return binding;
  failure ??= load();
  if (binding !== undefined) return binding;
  const { reason, cause } = failure ?? { reason: 'it did not load', cause: undefined };
  throw new NativeUnavailableError(
    `Spindle's native addon is not available, so SharedMemory, ProcessLock and ProcessSemaphore cannot be ` +
      `used: ${reason}. It is built when the package is installed (that needs a C++ compiler, ` +
      'Python and node-gyp); rebuild it with `npm rebuild spindle`, or `node scripts/build-native.mjs` in a ' +
      'checkout. Everything else in Spindle works without it.',
    cause === undefined ? undefined : { cause },
  );
}

/** Loads the addon into `binding`; returns why it could not, or undefined. */
function load(): { reason: string; cause: unknown } | undefined {
  if (process.platform !== 'linux')
    return {
      reason: `it needs Linux (for process-shared futexes), and this is ${process.platform}`,
      cause: undefined,
    };
  const override = process.env[ADDON_PATH_ENV];
  let path: string;
  if (override !== undefined && override !== '') path = override;
  else {
    const root = packageRoot();
    if (root === undefined)
      return { reason: `no package.json of Spindle was found above ${moduleDir()}`, cause: undefined };
    path = join(root, ADDON_FILE);
  }
  if (!existsSync(path))
    return {
      reason:
        `${path} does not exist (the build at install failed, or was skipped: if npm blocked install ` +
        'scripts, allow this one with `npm install-scripts approve spindle`)',
      cause: undefined,
    };
  let loaded: unknown;
  try {
    loaded = createRequire(import.meta.url)(path);
  } catch (error) {
    return { reason: `loading ${path} failed: ${(error as Error).message}`, cause: error };
  }
  const missing = FUNCTIONS.filter(
    (name) => typeof (loaded as Record<string, unknown> | null)?.[name] !== 'function',
  );
  if (missing.length > 0)
    return {
      reason: `${path} is not this version's addon (it lacks ${missing.join(', ')})`,
      cause: undefined,
    };
  binding = loaded as NativeBinding;
  return undefined;
}

function moduleDir(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/** The nearest directory above this module whose package.json names Spindle. */
function packageRoot(): string | undefined {
  for (let dir = moduleDir(); ;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'spindle') return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
