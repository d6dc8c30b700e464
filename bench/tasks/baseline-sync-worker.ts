/**
 * The baselines of the synchronisation scenarios (7–9), as a plain worker file with no library:
 * - `atomics-lock`: the floor for a lock, a bare compare-and-swap spin lock on one shared word;
 * - `port-produce` / `port-consume`: a stream of small items by `postMessage` over a MessageChannel, what
 *   threads use to talk without a shared-memory channel;
 * - `port-ping` / `port-echo`: the same items as round trips, each waiting for its echo.
 * Each times itself, as Spindle's tasks do, and posts the figure to the main thread.
 */
import type { MessagePort } from 'node:worker_threads';
import { parentPort, workerData } from 'node:worker_threads';

export type BaselineJob =
  | { readonly kind: 'atomics-lock'; readonly cells: Int32Array; readonly iterations: number }
  | {
      readonly kind: 'atomics-contend';
      readonly cells: Int32Array;
      readonly counter: Int32Array;
      readonly flag: Int32Array;
      readonly iterations: number;
    }
  | {
      readonly kind: 'port-produce' | 'port-consume' | 'port-ping' | 'port-echo';
      readonly port: MessagePort;
      readonly flag: Int32Array;
      readonly count: number;
    };

const job = workerData as BaselineJob;

function awaitStart(flag: Int32Array): void {
  Atomics.add(flag, 1, 1);
  while (Atomics.load(flag, 0) === 0) Atomics.wait(flag, 0, 0, 10);
}

function spinLock(cells: Int32Array): void {
  while (Atomics.compareExchange(cells, 0, 0, 1) !== 0) Atomics.wait(cells, 0, 1, 1);
}

function spinUnlock(cells: Int32Array): void {
  Atomics.store(cells, 0, 0);
  Atomics.notify(cells, 0, 1);
}

switch (job.kind) {
  case 'atomics-lock': {
    const { cells, iterations } = job;
    for (let i = 0; i < 100_000; i++) {
      if (Atomics.compareExchange(cells, 0, 0, 1) !== 0) throw new Error('lock taken');
      Atomics.store(cells, 0, 0);
    }
    const start = performance.now();
    for (let i = 0; i < iterations; i++) {
      if (Atomics.compareExchange(cells, 0, 0, 1) !== 0) throw new Error('lock taken');
      Atomics.store(cells, 0, 0);
    }
    parentPort!.postMessage({ pairNs: ((performance.now() - start) * 1e6) / iterations });
    break;
  }
  case 'atomics-contend': {
    const { cells, counter, flag, iterations } = job;
    awaitStart(flag);
    const start = performance.now();
    for (let i = 0; i < iterations; i++) {
      spinLock(cells);
      counter[0] = counter[0]! + 1;
      spinUnlock(cells);
    }
    parentPort!.postMessage(performance.now() - start);
    break;
  }
  case 'port-produce': {
    const { port, flag, count } = job;
    awaitStart(flag);
    for (let i = 0; i < count; i++) port.postMessage(i);
    parentPort!.postMessage(0);
    port.close();
    break;
  }
  case 'port-ping': {
    // One item out, wait for it to come back, next: `count` round trips of postMessage.
    const { port, flag, count } = job;
    let sent = 0;
    let start = 0;
    port.on('message', (item: number) => {
      if (item !== sent) throw new Error(`round trip ${sent} came back as ${String(item)}`);
      if (++sent === count) {
        parentPort!.postMessage(performance.now() - start);
        port.close();
      } else port.postMessage(sent);
    });
    awaitStart(flag);
    start = performance.now();
    port.postMessage(0);
    break;
  }
  case 'port-echo': {
    const { port, flag, count } = job;
    let echoed = 0;
    port.on('message', (item: number) => {
      port.postMessage(item);
      if (++echoed === count) {
        parentPort!.postMessage(0);
        port.close();
      }
    });
    awaitStart(flag);
    break;
  }
  case 'port-consume': {
    const { port, flag, count } = job;
    let expected = 0;
    let start = 0;
    port.on('message', (item: number) => {
      if (item !== expected) throw new Error(`item ${expected} arrived as ${String(item)}`);
      if (++expected === count) {
        parentPort!.postMessage(performance.now() - start);
        port.close();
      }
    });
    awaitStart(flag);
    start = performance.now();
    break;
  }
}
