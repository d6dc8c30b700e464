/**
 * Where a process-shared primitive lives: a block of its own, or `byteOffset` inside a block the program made
 * (several locks and the data they guard in one block, say), validated once at the public boundary.
 */
import type { ShareTarget } from '../core/shareable.ts';
import { kShare } from '../core/shareable.ts';
import { InvalidArgumentError } from '../errors.ts';
import { describe } from '../sync/options.ts';
import type { SharedMemoryState } from './shared-memory.ts';
import { reviveSharedMemory, SharedMemory } from './shared-memory.ts';
import { rejectUnknownOptions } from '../core/known-options.ts';

/** Options that place a process-shared lock or semaphore inside a block of shared memory. */
export interface PlacementOptions {
  /**
   * The block to live in. Without it, the object makes a small block of its own (unlinked when this process
   * exits) and reaches other processes by being passed to them.
   */
  readonly memory?: SharedMemory;
  /**
   * Where in `memory` it lives, in bytes: a multiple of 8, with room for the object's `BYTES` after it. Every
   * process that makes one at the same place of the same block gets the same object.
   * @default 0
   */
  readonly byteOffset?: number;
}

export interface Placement {
  readonly memory: SharedMemory;
  readonly byteOffset: number;
}

/** How a placed object crosses to a worker: its block (by name, for a process) and its offset. */
export interface PlacementState {
  readonly memory: SharedMemoryState;
  readonly byteOffset: number;
}

/** The wire state of a placement, for an object's `[kShare]`. */
export function placementState(placement: Placement, target: ShareTarget): PlacementState {
  return {
    memory: placement.memory[kShare](target).state as SharedMemoryState,
    byteOffset: placement.byteOffset,
  };
}

/** The placement a revived object adopts: the same block, attached (or the same buffer, in a thread). */
export function revivePlacement(state: PlacementState): Placement {
  return { memory: reviveSharedMemory(state.memory), byteOffset: state.byteOffset };
}

/** 8 suits every primitive: a ProcessLock's word is a BigInt64 (8-aligned), a semaphore's cells Int32s. */
export const PLACEMENT_ALIGN = 8;

/**
 * The validated placement of an object of `bytes` bytes named `what`; a block of its own if no `memory`.
 * @throws InvalidArgumentError for bad options.
 */
export function place(options: PlacementOptions | undefined, bytes: number, what: string): Placement {
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw new InvalidArgumentError(`Expected \`options\` to be an object, got ${describe(options)}`);
  if (options !== undefined) rejectUnknownOptions(options, ['memory', 'byteOffset'], `new ${what}(options)`);
  const { memory, byteOffset = 0 } = options ?? {};
  if (memory === undefined) {
    if (byteOffset !== 0)
      throw new InvalidArgumentError(
        `Expected no \`byteOffset\` without \`memory\` (a ${what} of its own starts its block), got ${describe(byteOffset)}`,
      );
    return { memory: new SharedMemory({ size: bytes }), byteOffset: 0 };
  }
  if (!(memory instanceof SharedMemory))
    throw new InvalidArgumentError(`Expected \`memory\` to be a SharedMemory, got ${describe(memory)}`);
  const last = Math.floor((memory.size - bytes) / PLACEMENT_ALIGN) * PLACEMENT_ALIGN;
  if (
    typeof byteOffset !== 'number' ||
    !Number.isInteger(byteOffset) ||
    byteOffset < 0 ||
    byteOffset % PLACEMENT_ALIGN !== 0 ||
    byteOffset > last
  )
    throw new InvalidArgumentError(
      last < 0
        ? `Expected \`memory\` to have room for a ${what} (${bytes} bytes), but it has ${memory.size}`
        : `Expected \`byteOffset\` to be a multiple of ${PLACEMENT_ALIGN} from 0 to ${last} (a ${what} takes ` +
            `${bytes} bytes of the block's ${memory.size}), got ${describe(byteOffset)}`,
    );
  return { memory, byteOffset };
}
