/** First in, first out: the order of a Queue, a JoinableQueue and a SimpleQueue. */
import { Fifo } from '../../core/fifo.ts';
import type { ItemOrder } from './item-order.ts';

export class FifoOrder implements ItemOrder {
  readonly #items = new Fifo<unknown>();

  get size(): number {
    return this.#items.size;
  }

  push(item: unknown): void {
    this.#items.push(item);
  }

  take(): unknown {
    return this.#items.shift();
  }
}
