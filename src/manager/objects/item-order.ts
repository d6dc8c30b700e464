/**
 * The order a managed queue hands out the items it holds: the one thing a Queue, a LifoQueue and a PriorityQueue
 * do differently on the server. Everything else (waiting getters and putters, `maxsize`, `close`) is queue.ts's,
 * written once for every order.
 *
 *   FIFO      fifo-order.ts      oldest first (Queue, JoinableQueue, SimpleQueue)
 *   LIFO      lifo-order.ts      newest first (LifoQueue)
 *   priority  priority-order.ts  lowest priority first, oldest first among equals (PriorityQueue)
 */
export interface ItemOrder {
  /** How many items are held. */
  readonly size: number;
  /** Holds an item. `priority` matters only to a priority order; the others ignore it. */
  push(item: unknown, priority: number): void;
  /** Removes and returns the next item in this order. The queue calls it only when `size > 0`. */
  take(): unknown;
}
