/**
 * The managed queues: Python's `queue.Queue` (a `multiprocessing.Manager().Queue()`) and its relatives, bounded
 * by `maxsize` items (0: unbounded). Items are opaque values, stored exactly as they arrived (they may hold other
 * proxies' wire forms) and handed out once each, in the queue's order (item-order.ts): first in first out for
 * a Queue and a SimpleQueue, newest first for a LifoQueue, lowest priority first for a PriorityQueue
 * (priority-queue.ts).
 *
 *   put ──a getter waits?──▶ straight to the first getter (it waits, so nothing is held: any order agrees)
 *       ──room?────────────▶ into the items
 *       ──else─────────────▶ in line with its item and priority (QueueFullError at once for timeout 0, or when
 *                            it runs out)
 *   get ──an item?─────────▶ the next item in order; the first waiting putter's item moves in, with its priority
 *       ──closed?──────────▶ ChannelClosedError
 *       ──else─────────────▶ in line (QueueEmptyError at once for timeout 0, or when it runs out)
 *
 * A waiting getter or putter that is cancelled leaves the line having taken or added nothing: hand-overs happen
 * in one synchronous step (waiters.ts).
 */
import { ChannelClosedError, QueueEmptyError, QueueFullError } from '../../errors.ts';
import type { Invocation, Session } from '../types.ts';
import type { Hosted } from './hosted.ts';
import { arity, dispatch, integerArg, methodTable } from './hosted.ts';
import { FifoOrder } from './fifo-order.ts';
import type { ItemOrder } from './item-order.ts';
import { LifoOrder } from './lifo-order.ts';
import { WaiterList } from './waiters.ts';

const MAX_SIZE = 0x7fff_ffff;

/** `[maxsize = 0]`, what every bounded queue is made with: the most items held at once, 0 for no limit. */
export function maxsizeArg(args: readonly unknown[], call: string): number {
  arity(args, 0, 1, call);
  return integerArg(args[0], 'maxsize', 0, MAX_SIZE, 0);
}

/** What a putter waiting for room brings: its item, and the item's place in a priority order. */
interface Pending {
  readonly item: unknown;
  readonly priority: number;
}

/** The methods of every managed queue; JoinableQueue adds its own. */
export const QUEUE_METHODS = methodTable<HostQueue>({
  /** [item]; waits for room up to the invocation's timeout (0: put_nowait). */
  put: (queue, args, inv) => {
    arity(args, 1, 1, `${queue.type}.put`);
    return queue.put(args[0], inv);
  },
  /** → the next item; waits for one up to the invocation's timeout (0: get_nowait). */
  get: (queue, args, inv) => {
    arity(args, 0, 0, `${queue.type}.get`);
    return queue.get(inv);
  },
  qsize: (queue, args) => {
    arity(args, 0, 0, `${queue.type}.qsize`);
    return queue.size;
  },
  empty: (queue, args) => {
    arity(args, 0, 0, `${queue.type}.empty`);
    return queue.size === 0;
  },
  full: (queue, args) => {
    arity(args, 0, 0, `${queue.type}.full`);
    return queue.maxsize > 0 && queue.size >= queue.maxsize;
  },
  maxsize: (queue, args) => {
    arity(args, 0, 0, `${queue.type}.maxsize`);
    return queue.maxsize;
  },
  close: (queue, args) => {
    arity(args, 0, 0, `${queue.type}.close`);
    queue.close();
  },
  closed: (queue, args) => {
    arity(args, 0, 0, `${queue.type}.closed`);
    return queue.closed;
  },
});

export class HostQueue implements Hosted {
  readonly type: string;
  readonly maxsize: number;
  readonly #items: ItemOrder;
  readonly #getters = new WaiterList<unknown>();
  /** Putters waiting for room, each with its item and the item's priority. */
  readonly #putters = new WaiterList<void, Pending>();
  #closed = false;

  /** A Queue: `[maxsize = 0]`, first in, first out. */
  static create(args: readonly unknown[]): HostQueue {
    return new HostQueue('Queue', maxsizeArg(args, 'Queue()'), new FifoOrder());
  }

  /** A LifoQueue: `[maxsize = 0]`, the newest item first. */
  static createLifo(args: readonly unknown[]): HostQueue {
    return new HostQueue('LifoQueue', maxsizeArg(args, 'LifoQueue()'), new LifoOrder());
  }

  /** A SimpleQueue: no arguments; unbounded, first in, first out (so `full` is always false, `maxsize` 0). */
  static createSimple(args: readonly unknown[]): HostQueue {
    arity(args, 0, 0, 'SimpleQueue()');
    return new HostQueue('SimpleQueue', 0, new FifoOrder());
  }

  /**
   * @param type the ManagedType, for messages
   * @param maxsize checked by the caller
   * @param items the queue's order, empty
   */
  protected constructor(type: string, maxsize: number, items: ItemOrder) {
    this.type = type;
    this.maxsize = maxsize;
    this.#items = items;
  }

  get size(): number {
    return this.#items.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  invoke(method: string, args: readonly unknown[], invocation: Invocation): unknown {
    return dispatch<HostQueue>(this, QUEUE_METHODS, method, args, invocation);
  }

  /** `priority` places the item in a priority order (checked by the caller); the other orders ignore it. */
  put(item: unknown, inv: Invocation, priority = 0): void | Promise<void> {
    if (this.#closed) throw this.#closedError('put');
    const getter = this.#getters.first();
    if (getter !== undefined) {
      this.#getters.grant(getter, item);
      this.accepted();
      return undefined;
    }
    if (this.#hasRoom()) {
      this.#items.push(item, priority);
      this.accepted();
      return undefined;
    }
    return this.#putters.park(
      inv,
      { item, priority },
      {
        onTimeout: () => {
          throw new QueueFullError(
            inv.timeout === 0
              ? `The ${this.type} is full (maxsize ${this.maxsize})`
              : `The ${this.type} stayed full (maxsize ${this.maxsize}) for ${inv.timeout} ms`,
          );
        },
      },
    );
  }

  get(inv: Invocation): unknown {
    if (this.#items.size > 0) {
      const item = this.#items.take();
      this.#admitPutters();
      return item;
    }
    if (this.#closed) throw this.#closedError('get');
    return this.#getters.park(inv, undefined, {
      onTimeout: () => {
        throw new QueueEmptyError(
          inv.timeout === 0 ? undefined : `The ${this.type} stayed empty for ${inv.timeout} ms`,
        );
      },
    });
  }

  /**
   * Python 3.13's `shutdown()`: later puts, and puts waiting for room, fail with ChannelClosedError; gets
   * return what is left, then fail likewise (at once, for gets waiting now: the queue is empty if they wait).
   */
  close(): void {
    this.#closed = true;
    this.#putters.failAll(() => this.#closedError('put'));
    this.#getters.failAll(() => this.#closedError('get'));
  }

  sessionClosed(session: Session): void {
    this.#getters.dropSession(session);
    this.#putters.dropSession(session);
  }

  /** An item was accepted into the queue (JoinableQueue counts it unfinished). */
  protected accepted(): void {}

  #hasRoom(): boolean {
    return this.maxsize === 0 || this.#items.size < this.maxsize;
  }

  /** After a get made room: waiting putters' items move in, first putter first, each with its priority. */
  #admitPutters(): void {
    for (
      let next = this.#putters.first();
      next !== undefined && this.#hasRoom();
      next = this.#putters.first()
    ) {
      this.#items.push(next.data.item, next.data.priority);
      this.#putters.grant(next, undefined);
      this.accepted();
    }
  }

  #closedError(op: 'get' | 'put'): ChannelClosedError {
    return new ChannelClosedError(
      op === 'put'
        ? `Cannot put into a closed ${this.type}`
        : `The ${this.type} is closed and has no items left`,
    );
  }
}
