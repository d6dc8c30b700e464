/** `wait(futures, { timeout, returnWhen })`: Python's `concurrent.futures.wait`. */
import { InvalidArgumentError } from '../errors.ts';
import { timerDelay, validateTimeout } from './call-options.ts';
import { kFailed, type Future } from './future.ts';
import { futureSet } from './future-set.ts';

export type ReturnWhen = 'FIRST_COMPLETED' | 'FIRST_EXCEPTION' | 'ALL_COMPLETED';

export interface WaitOptions {
  /** Milliseconds to wait at most; then resolves with what is done so far. @default no limit */
  readonly timeout?: number;
  /**
   * When to resolve. `FIRST_EXCEPTION` resolves when any future finishes with an error (a cancelled future is
   * not an error here, as in Python), or when all are done.
   * @default 'ALL_COMPLETED'
   */
  readonly returnWhen?: ReturnWhen;
}

export interface WaitResult<F> {
  readonly done: Set<F>;
  readonly notDone: Set<F>;
}

const RETURN_WHEN: readonly ReturnWhen[] = ['FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED'];

/**
 * Waits for futures to complete and resolves to `{ done, notDone }`. Never rejects because a task failed;
 * inspect the futures in `done`. Cancelled futures count as done.
 * @example
 * ```ts
 * const { done, notDone } = await wait(futures, { returnWhen: 'FIRST_COMPLETED', timeout: 1000 });
 * ```
 */
export function wait<F extends Future<unknown>>(
  futures: Iterable<F>,
  options: WaitOptions = {},
): Promise<WaitResult<F>> {
  const all = futureSet(futures, options, ['timeout', 'returnWhen'], 'wait(futures, options)');
  const { timeout, returnWhen = 'ALL_COMPLETED' } = options;
  validateTimeout(timeout, '`timeout` in wait(futures, options)');
  if (!RETURN_WHEN.includes(returnWhen)) {
    throw new InvalidArgumentError(
      `Expected \`returnWhen\` to be one of ${RETURN_WHEN.join(', ')}, got \`${String(returnWhen)}\``,
    );
  }
  const done = new Set<F>();
  const notDone = new Set<F>();
  for (const f of all) (f.done() ? done : notDone).add(f);

  const failed = (f: F): boolean => f[kFailed]() && !f.cancelled();
  const satisfied = (): boolean =>
    notDone.size === 0 ||
    (returnWhen === 'FIRST_COMPLETED' && done.size > 0) ||
    (returnWhen === 'FIRST_EXCEPTION' && [...done].some(failed));

  if (satisfied() || timeout === 0) return Promise.resolve({ done, notDone });
  return new Promise((resolve) => {
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      if (timer !== undefined) clearTimeout(timer);
      resolve({ done, notDone });
    };
    const delay = timerDelay(timeout);
    const timer = delay === undefined ? undefined : setTimeout(finish, delay);
    for (const f of notDone) {
      f.addDoneCallback(() => {
        if (finished) return;
        notDone.delete(f);
        done.add(f);
        if (satisfied()) finish();
      });
    }
  });
}
