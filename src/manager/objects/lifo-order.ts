/** Last in, first out (a stack): the order of a LifoQueue. */
import type { ItemOrder } from './item-order.ts';

export class LifoOrder implements ItemOrder {
  readonly #items: unknown[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(item: unknown): void {
    this.#items.push(item);
  }

  take(): unknown {
    return this.#items.pop();
  }
}
