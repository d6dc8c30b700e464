/**
 * The lazy, bounded pipeline behind `map`, `mapUnordered` and `starmap`.
 *
 *   input ──pull while in flight < window──▶ submit ──▶ in flight ──(head, or first done)──▶ yield
 *
 * Input is pulled only to refill the window, so memory stays constant whatever the input's length. Any exit
 * (a failure, `break`, `return()`) cancels everything still in flight and closes the input iterator.
 */
import type { Future } from './future.ts';
import { Fifo } from './fifo.ts';

export async function* mapLazily(
  items: Iterable<unknown> | AsyncIterable<unknown>,
  submitOne: (item: unknown) => Future<unknown>,
  window: number,
  ordered: boolean,
): AsyncGenerator<unknown, void, undefined> {
  const isAsync = Symbol.asyncIterator in items;
  const iterator: Iterator<unknown> | AsyncIterator<unknown> = isAsync
    ? (items as AsyncIterable<unknown>)[Symbol.asyncIterator]()
    : (items as Iterable<unknown>)[Symbol.iterator]();
  // Ordered: futures in input order. Unordered: the set of those not yet yielded, plus those that finished,
  // in completion order, and a waiter for the next one.
  const inFlight = new Fifo<Future<unknown>>();
  const active = new Set<Future<unknown>>();
  const finished = new Fifo<Future<unknown>>();
  let wake: (() => void) | undefined;
  const onDone = (f: Future<unknown>): void => {
    finished.push(f);
    wake?.();
  };
  let exhausted = false;
  let running = 0;
  try {
    for (;;) {
      while (!exhausted && running < window) {
        // No await for sync input: a microtask per item is most of map's overhead on tiny tasks.
        const next = isAsync ? await iterator.next() : (iterator as Iterator<unknown>).next();
        if (next.done === true) {
          exhausted = true;
          break;
        }
        const future = submitOne(next.value);
        running++;
        if (ordered) inFlight.push(future);
        else {
          active.add(future);
          future.addDoneCallback(onDone);
        }
      }
      if (running === 0) return;
      if (ordered) {
        const head = inFlight.shift()!;
        running--;
        yield await head;
      } else {
        if (finished.size === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        const done = finished.shift()!;
        active.delete(done);
        running--;
        yield await done;
      }
    }
  } finally {
    for (const future of inFlight) future.cancel();
    for (const future of active) future.cancel();
    if (!exhausted) await iterator.return?.();
  }
}
