/** The options of the queues' constructors and calls, documented once for every queue class. */

/** Options of `new Queue()` and its relatives. */
export interface QueueOptions {
  /** The most items held at once; `put` blocks (or throws QueueFullError) beyond it. 0 = no limit. @default 0 */
  readonly maxsize?: number;
  /**
   * The most bytes the items held at once may take, counting each item's encoded size plus 8 bytes (24 in a
   * PriorityQueue). The shared memory grows on demand up to this; past it `put` waits (or throws QueueFullError)
   * as on a full bounded queue, so an "unbounded" queue cannot eat all memory. From 1024 to 2^30.
   * @default 67108864 (64 MiB)
   */
  readonly capacityBytes?: number;
}

/** Options of the sync `put`. */
export interface PutOptions {
  /** Wait for room (true) or throw QueueFullError at once (false). @default true */
  readonly block?: boolean;
  /** With `block`, the most milliseconds to wait before throwing QueueFullError. @default Infinity */
  readonly timeout?: number;
}

/** Options of the sync `get`. */
export interface GetOptions {
  /** Wait for an item (true) or throw QueueEmptyError at once (false). @default true */
  readonly block?: boolean;
  /** With `block`, the most milliseconds to wait before throwing QueueEmptyError. @default Infinity */
  readonly timeout?: number;
}

/** Options of the async forms. */
export interface AsyncWaitOptions {
  /** The most milliseconds to wait. @default Infinity */
  readonly timeout?: number;
  /** Aborting it ends the wait at once: the promise rejects with `signal.reason`. */
  readonly signal?: AbortSignal;
}
