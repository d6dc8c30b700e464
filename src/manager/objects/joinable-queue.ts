/**
 * The managed JoinableQueue: a Queue that counts unfinished items (Python's `task_done` / `join`). Every item
 * accepted adds one (a put handed straight to a getter too), every `taskDone()` takes one away, and `join`
 * waits until the count is zero.
 */
import { InvalidStateError, TimeoutError } from '../../errors.ts';
import type { Invocation, Session } from '../types.ts';
import { FifoOrder } from './fifo-order.ts';
import { arity, dispatch, methodTable } from './hosted.ts';
import { HostQueue, QUEUE_METHODS, maxsizeArg } from './queue.ts';
import { WaiterList } from './waiters.ts';

const METHODS = methodTable<HostJoinableQueue>({
  ...QUEUE_METHODS,
  taskDone: (queue, args) => {
    arity(args, 0, 0, 'JoinableQueue.taskDone');
    queue.taskDone();
  },
  /** Waits until every item accepted has been reported done, up to the invocation's timeout. */
  join: (queue, args, inv) => {
    arity(args, 0, 0, 'JoinableQueue.join');
    return queue.join(inv);
  },
  unfinishedTasks: (queue, args) => {
    arity(args, 0, 0, 'JoinableQueue.unfinishedTasks');
    return queue.unfinished;
  },
});

export class HostJoinableQueue extends HostQueue {
  readonly #joiners = new WaiterList<void>();
  #unfinished = 0;

  /** `[maxsize = 0]`, as Queue. */
  static override create(args: readonly unknown[]): HostJoinableQueue {
    return new HostJoinableQueue('JoinableQueue', maxsizeArg(args, 'JoinableQueue()'), new FifoOrder());
  }

  get unfinished(): number {
    return this.#unfinished;
  }

  override invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch(this, METHODS, method, args, invocation);
  }

  taskDone(): void {
    if (this.#unfinished === 0)
      throw new InvalidStateError('taskDone() was called more times than there were items put');
    if (--this.#unfinished > 0) return;
    for (const joiner of this.#joiners.waiters()) this.#joiners.grant(joiner, undefined);
  }

  join(inv: Invocation): void | Promise<void> {
    if (this.#unfinished === 0) return undefined;
    return this.#joiners.park(inv, undefined, {
      onTimeout: () => {
        throw new TimeoutError(
          `${this.#unfinished} item(s) of the JoinableQueue were still unfinished after ${inv.timeout} ms`,
        );
      },
    });
  }

  override sessionClosed(session: Session): void {
    super.sessionClosed(session);
    this.#joiners.dropSession(session);
  }

  protected override accepted(): void {
    this.#unfinished++;
  }
}
