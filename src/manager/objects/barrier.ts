/**
 * The managed Barrier: Python's `threading.Barrier` for sessions. The server is one thread, so a trip is one
 * step: the last party to arrive releases every waiting party with its arrival index and the barrier is at once
 * empty for the next group (the thread Barrier needs a draining state for that; this one does not).
 *
 * Breaks it (every waiter, and every later wait until `reset()`, gets BrokenBarrierError): `abort()`, a wait
 * that times out, a wait whose request is cancelled (that one rejects with the signal's reason), and a waiting
 * party whose session closes. There is no `action`: a function cannot travel to the server; run it in the
 * party whose wait returns 0 instead.
 */
import { BrokenBarrierError } from '../../errors.ts';
import type { Invocation, Session } from '../types.ts';
import type { Hosted } from './hosted.ts';
import { arity, dispatch, integerArg, methodTable, timeoutArg } from './hosted.ts';
import { WaiterList } from './waiters.ts';

const MAX_PARTIES = 0x7fff_ffff;

const METHODS = methodTable<HostBarrier>({
  /** → the arrival index; the invocation's timeout, or the barrier's default when it gives none. */
  wait: (barrier, args, inv) => {
    arity(args, 0, 0, 'Barrier.wait');
    return barrier.wait(inv);
  },
  reset: (barrier, args) => {
    arity(args, 0, 0, 'Barrier.reset');
    barrier.reset();
  },
  abort: (barrier, args) => {
    arity(args, 0, 0, 'Barrier.abort');
    barrier.break('abort() was called');
  },
  parties: (barrier, args) => {
    arity(args, 0, 0, 'Barrier.parties');
    return barrier.parties;
  },
  nWaiting: (barrier, args) => {
    arity(args, 0, 0, 'Barrier.nWaiting');
    return barrier.nWaiting;
  },
  broken: (barrier, args) => {
    arity(args, 0, 0, 'Barrier.broken');
    return barrier.broken;
  },
});

export class HostBarrier implements Hosted {
  readonly type = 'Barrier';
  readonly parties: number;
  readonly #timeout: number | undefined;
  /** Parties waiting for the group to fill, each with its arrival index. */
  readonly #waiters = new WaiterList<number, number>();
  /** Why it is broken, undefined while it is not. */
  #brokenBy: string | undefined;

  /** `[parties, timeout?]`: how many must wait to trip it (from 1 up), and the default timeout of `wait`. */
  static create(args: readonly unknown[]): HostBarrier {
    arity(args, 1, 2, 'Barrier()');
    return new HostBarrier(integerArg(args[0], 'parties', 1, MAX_PARTIES), timeoutArg(args[1], 'timeout'));
  }

  private constructor(parties: number, timeout: number | undefined) {
    this.parties = parties;
    this.#timeout = timeout;
  }

  get nWaiting(): number {
    return this.#waiters.size;
  }

  get broken(): boolean {
    return this.#brokenBy !== undefined;
  }

  invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch(this, METHODS, method, args, invocation);
  }

  wait(inv: Invocation): number | Promise<number> {
    if (this.#brokenBy !== undefined) throw this.#brokenError();
    const index = this.#waiters.size;
    if (index + 1 === this.parties) {
      for (const waiter of this.#waiters.waiters()) this.#waiters.grant(waiter, waiter.data);
      return index;
    }
    const spec = { session: inv.session, timeout: inv.timeout ?? this.#timeout, signal: inv.signal };
    return this.#waiters.park(spec, index, {
      onTimeout: () => {
        this.break('a party’s wait timed out');
        throw this.#brokenError();
      },
      onAbort: (reason) => {
        this.break('a party’s wait was cancelled');
        throw reason;
      },
    });
  }

  /** Breaks the barrier: every waiting party gets BrokenBarrierError, as does every wait until `reset()`. */
  break(why: string): void {
    this.#brokenBy ??= why;
    this.#waiters.failAll(() => this.#brokenError());
  }

  /** Back to empty and unbroken; parties waiting now get BrokenBarrierError. */
  reset(): void {
    this.#waiters.failAll(() => new BrokenBarrierError('The barrier is broken: reset() was called'));
    this.#brokenBy = undefined;
  }

  sessionClosed(session: Session): void {
    if (this.#waiters.dropSession(session) > 0) this.break('a waiting party’s session closed');
  }

  #brokenError(): BrokenBarrierError {
    return new BrokenBarrierError(`The barrier is broken: ${this.#brokenBy ?? 'reset() was called'}`);
  }
}
