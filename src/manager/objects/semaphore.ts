/**
 * The managed Semaphore and BoundedSemaphore: Python's counting semaphores. Waiters are served first come,
 * first served: a release hands its permits straight to the waiters in line before anyone new may take one.
 *
 * A session that closes keeps the permits it took: they are not returned, as with the thread Semaphore when a
 * thread dies. Permits have no owner (any session may release one, as in Python), so the server cannot tell a
 * permit the dead session still "held" from one it consumed as a signal (a `Semaphore(0)` that a producer
 * releases and a consumer acquires); returning those would hand the same signal out twice, and would push a
 * BoundedSemaphore over its bound after another session released for it. Waiters of the closed session leave.
 */
import { InvalidStateError } from '../../errors.ts';
import type { Invocation, Session } from '../types.ts';
import type { Hosted } from './hosted.ts';
import { arity, dispatch, integerArg, methodTable } from './hosted.ts';
import { WaiterList } from './waiters.ts';

const MAX_VALUE = 0x7fff_ffff;

const METHODS = methodTable<HostSemaphore>({
  /** → boolean; waits up to the invocation's timeout (0: only tries). */
  acquire: (semaphore, args, inv) => {
    arity(args, 0, 0, `${semaphore.type}.acquire`);
    return semaphore.acquire(inv);
  },
  /** [n = 1] */
  release: (semaphore, args) => {
    arity(args, 0, 1, `${semaphore.type}.release`);
    semaphore.release(integerArg(args[0], 'n', 1, MAX_VALUE, 1));
  },
  value: (semaphore, args) => {
    arity(args, 0, 0, `${semaphore.type}.value`);
    return semaphore.value;
  },
});

export class HostSemaphore implements Hosted {
  readonly type: 'Semaphore' | 'BoundedSemaphore';
  readonly #waiters = new WaiterList<boolean>();
  /** The most permits it may hold (a BoundedSemaphore's initial value), undefined for a plain Semaphore. */
  readonly #bound: number | undefined;
  #value: number;

  /** `[value = 1]`: the permits available at first, an integer from 0 up. */
  static create(args: readonly unknown[]): HostSemaphore {
    arity(args, 0, 1, 'Semaphore()');
    return new HostSemaphore('Semaphore', integerArg(args[0], 'value', 0, MAX_VALUE, 1));
  }

  /** `[value = 1]`: the permits available at first, and the most it may ever hold. */
  static createBounded(args: readonly unknown[]): HostSemaphore {
    arity(args, 0, 1, 'BoundedSemaphore()');
    return new HostSemaphore('BoundedSemaphore', integerArg(args[0], 'value', 0, MAX_VALUE, 1));
  }

  private constructor(type: 'Semaphore' | 'BoundedSemaphore', value: number) {
    this.type = type;
    this.#value = value;
    this.#bound = type === 'BoundedSemaphore' ? value : undefined;
  }

  get value(): number {
    return this.#value;
  }

  invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch(this, METHODS, method, args, invocation);
  }

  acquire(inv: Invocation): boolean | Promise<boolean> {
    // Nobody waits while permits are free: release hands them to the line first.
    if (this.#value > 0) {
      this.#value--;
      return true;
    }
    return this.#waiters.park(inv, undefined, { onTimeout: () => false });
  }

  release(n: number): void {
    const limit = this.#bound ?? MAX_VALUE;
    if (this.#value > limit - n)
      throw new InvalidStateError(
        this.#bound === undefined
          ? `Cannot release ${n} permit(s): the Semaphore holds ${this.#value} and cannot hold more than ${MAX_VALUE}`
          : `BoundedSemaphore released too many times: it holds ${this.#value} of at most ${this.#bound} ` +
              `permit(s), so releasing ${n} more would exceed its initial value (every release must match an acquire)`,
      );
    this.#value += n;
    for (
      let next = this.#waiters.first();
      next !== undefined && this.#value > 0;
      next = this.#waiters.first()
    ) {
      this.#value--;
      this.#waiters.grant(next, true);
    }
  }

  sessionClosed(session: Session): void {
    this.#waiters.dropSession(session);
  }
}
