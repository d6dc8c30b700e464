/**
 * The managed Queue: Python's `queue.Queue` (a `multiprocessing.Manager().Queue()`), first in, first out,
 * bounded by `maxsize` items (0: unbounded). Items are opaque values, stored exactly as they arrived (they may
 * hold other proxies' wire forms) and handed out once each.
 *
 *   put ──a getter waits?──▶ straight to the first getter
 *       ──room?────────────▶ into the items
 *       ──else─────────────▶ in line with its item (QueueFullError at once for timeout 0, or when it runs out)
 *   get ──an item?─────────▶ the first item; the first waiting putter's item moves in behind
 *       ──closed?──────────▶ ChannelClosedError
 *       ──else─────────────▶ in line (QueueEmptyError at once for timeout 0, or when it runs out)
 *
 * A waiting getter or putter that is cancelled leaves the line having taken or added nothing: hand-overs happen
 * in one synchronous step (waiters.ts).
 */
import { Fifo } from '../../core/fifo.ts';
import { ChannelClosedError, QueueEmptyError, QueueFullError } from '../../errors.ts';
import type { Invocation, Session } from '../types.ts';
import type { Hosted } from './hosted.ts';
import { arity, dispatch, integerArg, methodTable } from './hosted.ts';
import { WaiterList } from './waiters.ts';

const MAX_SIZE = 0x7fff_ffff;

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
  readonly type: string = 'Queue';
  readonly maxsize: number;
  readonly #items = new Fifo<unknown>();
  readonly #getters = new WaiterList<unknown>();
  /** Putters waiting for room, each with its item. */
  readonly #putters = new WaiterList<void, unknown>();
  #closed = false;

  /** `[maxsize = 0]`: the most items held at once, 0 for no limit. */
  static create(args: readonly unknown[]): HostQueue {
    arity(args, 0, 1, 'Queue()');
    return new HostQueue(integerArg(args[0], 'maxsize', 0, MAX_SIZE, 0));
  }

  protected constructor(maxsize: number) {
    this.maxsize = maxsize;
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

  put(item: unknown, inv: Invocation): void | Promise<void> {
    if (this.#closed) throw this.#closedError('put');
    const getter = this.#getters.first();
    if (getter !== undefined) {
      this.#getters.grant(getter, item);
      this.accepted();
      return undefined;
    }
    if (this.#hasRoom()) {
      this.#items.push(item);
      this.accepted();
      return undefined;
    }
    return this.#putters.park(inv, item, {
      onTimeout: () => {
        throw new QueueFullError(
          inv.timeout === 0
            ? `The ${this.type} is full (maxsize ${this.maxsize})`
            : `The ${this.type} stayed full (maxsize ${this.maxsize}) for ${inv.timeout} ms`,
        );
      },
    });
  }

  get(inv: Invocation): unknown {
    if (this.#items.size > 0) {
      const item = this.#items.shift();
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

  /** After a get made room: waiting putters' items move in, first first. */
  #admitPutters(): void {
    for (
      let next = this.#putters.first();
      next !== undefined && this.#hasRoom();
      next = this.#putters.first()
    ) {
      this.#items.push(next.data);
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
