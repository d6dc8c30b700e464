/**
 * Lowest priority first, and items of equal priority in the order they were put: the order of a PriorityQueue,
 * stable as the thread PriorityQueue is (Python's heap of tuples is not). A binary min-heap of entries keyed by
 * (priority, sequence number): the sequence number, one more for every push, breaks ties, so no comparison
 * ever looks at the items themselves (they are opaque values, maybe other proxies' wire forms).
 *
 *   push ──append at the end──▶ sift up      O(log n)
 *   take ──the root; the last entry moves to the root──▶ sift down      O(log n)
 */
import type { ItemOrder } from './item-order.ts';

interface Entry {
  readonly item: unknown;
  readonly priority: number;
  readonly seq: number;
}

/** True if `a` comes out before `b`. Priorities are never NaN (the queue checks them), so `<` is a total order. */
function before(a: Entry, b: Entry): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
}

export class PriorityOrder implements ItemOrder {
  readonly #heap: Entry[] = [];
  /** 2^53 pushes would take centuries: a number never loses a tie-break. */
  #nextSeq = 0;

  get size(): number {
    return this.#heap.length;
  }

  push(item: unknown, priority: number): void {
    const heap = this.#heap;
    const entry: Entry = { item, priority, seq: this.#nextSeq++ };
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  take(): unknown {
    const heap = this.#heap;
    const root = heap[0];
    const last = heap.pop();
    if (root === undefined || last === undefined || heap.length === 0) return root?.item;
    // Sift the last entry down from the root.
    const n = heap.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(heap[right]!, heap[left]!) ? right : left;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return root.item;
  }
}
