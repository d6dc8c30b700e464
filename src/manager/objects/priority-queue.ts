/**
 * The managed PriorityQueue: a queue (queue.ts) whose `put` takes a priority beside the item, as the thread
 * PriorityQueue does; `get` returns the item of the lowest priority, and items of equal priority in the order
 * they were put (priority-order.ts). A putter waiting for room keeps its item's priority: the item takes its
 * place by it when it moves in. Waiting putters themselves are admitted first come, first served, whatever their
 * priorities, as in Python, where a put that waits is not yet in the queue.
 */
import { InvalidArgumentError } from '../../errors.ts';
import { describe } from '../../sync/options.ts';
import type { Invocation } from '../types.ts';
import { arity, dispatch, methodTable } from './hosted.ts';
import { PriorityOrder } from './priority-order.ts';
import { HostQueue, QUEUE_METHODS, maxsizeArg } from './queue.ts';

const METHODS = methodTable<HostPriorityQueue>({
  ...QUEUE_METHODS,
  /** [item, priority = 0]; waits for room up to the invocation's timeout (0: put_nowait). */
  put: (queue, args, inv) => {
    arity(args, 1, 2, 'PriorityQueue.put');
    return queue.put(args[0], inv, priorityArg(args[1]));
  },
});

/**
 * A priority: any number but NaN, `-Infinity` and `Infinity` included (as the thread PriorityQueue takes it);
 * absent is 0. NaN is refused because it compares with nothing, and would leave the heap out of order.
 */
export function priorityArg(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || Number.isNaN(value))
    throw new InvalidArgumentError(`Expected \`priority\` to be a number (not NaN), got ${describe(value)}`);
  return value;
}

export class HostPriorityQueue extends HostQueue {
  /** `[maxsize = 0]`, as Queue. */
  static override create(args: readonly unknown[]): HostPriorityQueue {
    return new HostPriorityQueue('PriorityQueue', maxsizeArg(args, 'PriorityQueue()'), new PriorityOrder());
  }

  override invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch(this, METHODS, method, args, invocation);
  }
}
