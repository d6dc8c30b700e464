/** The argument checks `wait` and `asCompleted` share: an iterable of futures and an options object. */
import { InvalidArgumentError } from '../errors.ts';
import { isFuture } from './future.ts';
import type { Future } from './future.ts';
import { describe } from './task.ts';
import { rejectUnknownOptions } from './known-options.ts';

/**
 * @internal The futures of `futures` as a set (duplicates once); throws InvalidArgumentError for options that
 * are not an object or name unknown options, and for an item that is not a Future (a plain promise has no
 * `done()`/`cancel()` to go by).
 */
export function futureSet<F extends Future<unknown>>(
  futures: Iterable<F>,
  options: object,
  known: readonly string[],
  where: string,
): Set<F> {
  if (typeof options !== 'object' || options === null)
    throw new InvalidArgumentError(
      `Expected the options of ${where} to be an object, got \`${String(options)}\``,
    );
  rejectUnknownOptions(options, known, where);
  if (typeof (futures as { [Symbol.iterator]?: unknown })?.[Symbol.iterator] !== 'function')
    throw new InvalidArgumentError(
      `Expected the futures of ${where} to be an iterable, got ${typeof futures}`,
    );
  const set = new Set<F>();
  let i = 0;
  for (const f of futures) {
    if (!isFuture(f))
      throw new InvalidArgumentError(
        `Expected every item given to ${where} to be a Future (from submit), got ${describe(f)} at index ${i}`,
      );
    set.add(f);
    i++;
  }
  return set;
}
