// Shared by the test/shm suites: blocks that are always unlinked, and waiting for another process's flag.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { SharedMemoryNotFoundError } from '../../src/errors.ts';
import { SharedMemory } from '../../src/shm/shared-memory.ts';

const made: SharedMemory[] = [];

/** A fresh name no other test run uses, recognisable as Spindle's. */
export function tempName(): string {
  return `spindle-test-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A new block that {@link unlinkAll} removes at the end of the file. */
export function block(size = 4096): SharedMemory {
  const memory = new SharedMemory({ name: tempName(), size });
  made.push(memory);
  return memory;
}

/** Unlinks every block made by {@link block} (those a test unlinked itself are skipped). */
export function unlinkAll(): void {
  for (const memory of made.splice(0)) {
    try {
      memory.unlink();
    } catch (error) {
      if (!(error instanceof SharedMemoryNotFoundError)) throw error;
    }
  }
}

/** Whether /dev/shm holds a block of this name. */
export function inDevShm(name: string): boolean {
  return existsSync('/dev/shm') && readdirSync('/dev/shm').includes(name);
}

/**
 * Resolves once cells[index] reaches `atLeast`. Polls: a write from another process wakes no `Atomics.wait`
 * here. Rejects after `ms` so a broken test fails instead of hanging.
 */
export async function reached(cells: Int32Array, index: number, atLeast = 1, ms = 30_000): Promise<void> {
  const until = performance.now() + ms;
  while (Atomics.load(cells, index) < atLeast) {
    if (performance.now() > until) throw new Error(`cell ${index} never reached ${atLeast}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
