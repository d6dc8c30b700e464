// examples/sync/tasks.ts
// The worker side of the examples in this folder. A worker imports the module that defines a task, so tasks
// live here and the examples hold only main-thread code. Workers may block: `hold()`, `wait()`, `get()`, `recv()`.
import { ChannelClosedError, task } from '../../src/index.ts';
import type {
  Barrier,
  BoundedSemaphore,
  Condition,
  Connection,
  Event,
  JoinableQueue,
  LifoQueue,
  Lock,
  PriorityQueue,
  Queue,
  RLock,
  SharedArray,
  SimpleQueue,
  Value,
} from '../../src/index.ts';

/** Sleeps this worker thread (fine in a worker; never do this on the main thread). */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// lock.ts: read, work a little, write back. The lock makes the three steps one.
export const increment = task(import.meta.url, (counter: Int32Array, lock: Lock, n: number) => {
  for (let i = 0; i < n; i++) {
    using _ = lock.hold();
    const value = counter[0]!;
    for (let k = 0; k < 20; k++) counter[1] = k; // widens the gap between the read and the write
    counter[0] = value + 1;
  }
});

export const incrementUnguarded = task(import.meta.url, (counter: Int32Array, n: number) => {
  for (let i = 0; i < n; i++) {
    const value = counter[0]!;
    for (let k = 0; k < 20; k++) counter[1] = k; // another thread may write counter[0] meanwhile
    counter[0] = value + 1;
  }
});

// rlock.ts: deposit() and withdraw() take the lock; transfer() takes it too, then calls them.
function deposit(accounts: Int32Array, lock: RLock, to: number, amount: number): void {
  using _ = lock.hold();
  accounts[to]! += amount;
}

function withdraw(accounts: Int32Array, lock: RLock, from: number, amount: number): void {
  using _ = lock.hold();
  if (accounts[from]! < amount) throw new Error(`account ${from} holds less than ${amount}`);
  accounts[from]! -= amount;
}

export const transfer = task(
  import.meta.url,
  (accounts: Int32Array, lock: RLock, from: number, to: number, times: number) => {
    for (let i = 0; i < times; i++) {
      using _ = lock.hold(); // withdraw + deposit as one step: nobody sees the money in flight
      withdraw(accounts, lock, from, 1); // takes the lock again: this thread owns it, so no wait
      deposit(accounts, lock, to, 1);
    }
  },
);

// semaphore.ts: at most `slots` workers inside at once; `inside` = [now, most ever].
export const useSlot = task(import.meta.url, (slots: BoundedSemaphore, inside: Int32Array) => {
  using _ = slots.hold();
  const now = Atomics.add(inside, 0, 1) + 1;
  for (let most = inside[1]!; now > most; most = inside[1]!) Atomics.compareExchange(inside, 1, most, now);
  sleep(100); // the work done with a slot
  Atomics.sub(inside, 0, 1);
});

// condition.ts: wait, holding the condition's lock, until the main thread publishes a config.
export const waitForConfig = task(import.meta.url, (cond: Condition, config: Int32Array, id: number) => {
  using _ = cond.hold();
  cond.waitFor(() => config[0] !== 0); // releases the lock while it sleeps
  return `worker ${id} got version ${config[0]}`;
});

// event.ts: block until the start signal, then read what the main thread prepared.
export const sumWhenStarted = task(import.meta.url, (start: Event, data: Int32Array, from: number) => {
  if (!start.wait(10_000)) throw new Error('no start signal within 10 s');
  return data[from]! + data[from + 1]!;
});

// barrier.ts: each step reads row `step % 2` and writes the other row; the barrier keeps the steps in line.
export const stepCell = task(
  import.meta.url,
  (rows: Int32Array, barrier: Barrier, cell: number, steps: number) => {
    const n = barrier.parties;
    for (let step = 0; step < steps; step++) {
      const [from, to] = step % 2 === 0 ? [0, n] : [n, 0];
      rows[to + cell] = rows[from + cell]! + rows[from + ((cell + 1) % n)]!;
      barrier.wait(); // nobody starts step + 1 before every cell of this step is written
    }
  },
);

// queue.ts: take jobs until the queue is closed and empty; send each result back.
export const square = task(import.meta.url, (jobs: Queue<number>, results: SimpleQueue<number>) => {
  let handled = 0;
  for (;;) {
    let n: number;
    try {
      n = jobs.get(); // blocks this worker until a job arrives
    } catch (error) {
      if (error instanceof ChannelClosedError) return handled; // closed and drained: stop
      throw error;
    }
    results.put(n * n);
    handled++;
  }
});

// joinable-queue.ts: report every job done, so the main thread's joinAsync() knows when all are.
export const resize = task(import.meta.url, (jobs: JoinableQueue<string>, done: Value<'int32'>) => {
  for (;;) {
    try {
      jobs.get();
    } catch (error) {
      if (error instanceof ChannelClosedError) return;
      throw error;
    }
    sleep(5); // "resize" the image
    done.add(1);
    jobs.taskDone();
  }
});

// priority-queue.ts: handle tickets, lowest priority number first.
export const handleTickets = task(import.meta.url, (tickets: PriorityQueue<string>) => {
  const order: string[] = [];
  for (;;) {
    try {
      order.push(tickets.get());
    } catch (error) {
      if (error instanceof ChannelClosedError) return order;
      throw error;
    }
  }
});

// lifo-queue.ts: push pages on a stack as they are visited.
export const visit = task(import.meta.url, (history: LifoQueue<string>, pages: string[]) => {
  for (const page of pages) history.put(page);
});

// pipe.ts: answer every request on a duplex pipe until the other end closes it.
export const shout = task(import.meta.url, (conn: Connection<string>) => {
  let answered = 0;
  for (;;) {
    let request: string;
    try {
      request = conn.recv();
    } catch (error) {
      if (error instanceof ChannelClosedError) return answered;
      throw error;
    }
    conn.send(`${request.toUpperCase()}!`);
    answered++;
  }
});

// pipe.ts: stream numbers down a one-way pipe, then close it.
export const countDown = task(import.meta.url, (out: Connection<number>, from: number) => {
  for (let n = from; n > 0; n--) out.send(n);
  out.close();
});

// shared-value.ts: atomics for single elements, a Value for a counter, the SharedArray's lock for two at once.
export const tally = task(
  import.meta.url,
  (
    numbers: number[],
    chunk: number,
    byRest: Int32Array,
    seen: Value<'int32'>,
    best: SharedArray<'int32'>,
  ) => {
    for (const n of numbers) {
      Atomics.add(byRest, n % 4, 1);
      seen.add(1);
      using _ = best.getLock().hold(); // the maximum and its chunk change together
      if (n > best.array[0]!) {
        best.array[0] = n;
        best.array[1] = chunk;
      }
    }
  },
);
