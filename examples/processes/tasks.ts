// examples/processes/tasks.ts
// The worker side of the examples in this folder. A process worker imports the module that defines a task, so
// tasks live here and the examples hold only main-thread code. Workers may block: every plain proxy method
// (`list.append()`, `queue.get()`, `lock.hold()`) is a round trip to the manager that waits for its answer.
import { ChannelClosedError, task } from '../../src/index.ts';
import type {
  ConditionProxy,
  ConnectionProxy,
  DictProxy,
  EventProxy,
  ListProxy,
  LockProxy,
  NamespaceProxy,
  ProcessLock,
  QueueProxy,
  SharedMemory,
  ValueProxy,
} from '../../src/index.ts';

// list-and-dict.ts: count one document's words; report into the shared dict and list.
export const countWords = task(
  import.meta.url,
  (name: string, text: string, counts: DictProxy<string, number>, longWords: ListProxy<string>) => {
    const words = text.split(/\W+/).filter((word) => word !== '');
    counts.set(name, words.length); // one round trip
    longWords.extend(words.filter((word) => word.length >= 7)); // one round trip for the whole batch
  },
);

// queue.ts: take jobs until the queue is closed and drained; put each result on the results queue.
export const consume = task(
  import.meta.url,
  (jobs: QueueProxy<number>, results: QueueProxy<[number, number]>) => {
    let handled = 0;
    for (;;) {
      let n: number;
      try {
        n = jobs.get(); // blocks this worker until a job arrives
      } catch (error) {
        if (error instanceof ChannelClosedError) return handled; // closed and drained: stop
        throw error;
      }
      results.put([n, n * n]);
      handled++;
    }
  },
);

// lock-and-value.ts: count each sale with one atomic call; update two totals together under the lock.
export const recordSales = task(
  import.meta.url,
  (sales: number[], orders: ValueProxy<number>, totals: DictProxy<string, number>, lock: LockProxy) => {
    for (const amount of sales) {
      orders.add(1); // one step on the manager: no lock needed
      using _ = lock.hold(); // get and set are separate round trips: the lock makes them one step
      totals.set('revenue', totals.get('revenue', 0) + amount);
      totals.set('largest', Math.max(totals.get('largest', 0), amount));
    }
  },
);

// condition-event.ts: wait for the start signal, then until the config reaches the version this worker needs.
export const awaitConfig = task(
  import.meta.url,
  (start: EventProxy, cond: ConditionProxy, config: NamespaceProxy<{ version: number }>, id: number) => {
    if (!start.wait(10_000)) throw new Error('no start signal within 10 s');
    using _ = cond.hold();
    cond.waitFor(() => (config.get('version') ?? 0) >= 2); // runs here, holding the lock; releases it to wait
    return `worker ${id} saw version ${config.get('version')}`;
  },
);

// pipe.ts: stream readings down a one-way pipe, then close it.
export const sendReadings = task(import.meta.url, (out: ConnectionProxy<number>, count: number) => {
  for (let i = 1; i <= count; i++) out.send(i * 10);
  out.close(); // the receiver gets what was sent, then ChannelClosedError
});

// pipe.ts: add up what arrives until the sender closes its end.
export const sumReadings = task(import.meta.url, (input: ConnectionProxy<number>) => {
  let sum = 0;
  for (;;) {
    try {
      sum += input.recv();
    } catch (error) {
      if (error instanceof ChannelClosedError) return sum;
      throw error;
    }
  }
});

// pipe.ts: answer every request on a duplex pipe until the other end closes it.
export const shout = task(import.meta.url, (conn: ConnectionProxy<string>) => {
  for (;;) {
    let request: string;
    try {
      request = conn.recv();
    } catch (error) {
      if (error instanceof ChannelClosedError) return;
      throw error;
    }
    conn.send(`${request.toUpperCase()}!`);
  }
});

// shared-memory.ts: fill this worker's slice of the shared array, in place.
export const fillSlice = task(import.meta.url, (shm: SharedMemory, start: number, end: number) => {
  const values = new Float64Array(shm.buffer); // the very memory the main process reads: no copy either way
  for (let i = start; i < end; i++) values[i] = Math.sqrt(i);
  return end - start;
});

// process-lock.ts: the seeds' counter across processes: read, work a little, write back, under the lock.
export const increment = task(import.meta.url, (shm: SharedMemory, lock: ProcessLock, n: number) => {
  const counter = new Int32Array(shm.buffer, 0, 2); // [count, scratch]; the lock lives at byte 8
  for (let i = 0; i < n; i++) {
    using _ = lock.hold(); // free: one compare-and-swap; taken: this process sleeps in the kernel
    const value = counter[0]!;
    for (let k = 0; k < 20; k++) counter[1] = k; // widens the gap between the read and the write
    counter[0] = value + 1;
  }
});

// tcp.ts: a worker of the connecting program adds its score; the dict lives on the TCP manager.
export const addScore = task(
  import.meta.url,
  (scores: DictProxy<string, number>, name: string, points: number[]) => {
    scores.set(
      name,
      points.reduce((a, b) => a + b, 0),
    );
  },
);
