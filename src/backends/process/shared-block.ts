/**
 * The block of shared memory a pool shares with one worker process (a memfd, passed as fd 5):
 *
 *   [control: 64 B][answer ring: results, child → parent][jobs ring: large jobs, parent → child]
 *   [results ring: large results, child → parent]
 *
 * The answer ring spares the child a system call per result (see process-worker.ts). The jobs ring carries
 * jobs with large byte arrays (a 1 MiB argument): written there, a job is copied once into memory the child
 * maps and once out of it, where the socket cost a copy into the kernel, one out of it in 64 KiB chunks, and
 * one to join the chunks. Measured with 200 jobs of 1 MiB each on 2 workers (the benchmark's copy scenario):
 * ~1,220 MiB/s through the socket, ~2,800 through the ring. Its place in the job stream is kept by a BULK
 * frame on the socket, so the child reads every job in the order it was sent. The results ring does the same
 * for results that are large byte arrays, each announced by a BULK frame in the answer ring, which brings the
 * parent's usual wake-up (200 results of 1 MiB on 2 workers, three runs each: ~510 → ~800 MiB/s).
 *
 * Pages are committed only as they are first written: a pool that never sends or returns a large byte array
 * pays for the answer ring alone.
 */
import { Ring } from '../common/ring.ts';

/**
 * A byte array at least this large goes through the jobs or results ring; smaller ones gain nothing there over
 * the socket write their batch makes anyway.
 */
const BULK_MIN_BYTES = 64 * 1024;
/** Whether a value is a byte array large enough for the jobs or results ring. */
export function isLargeBytes(value: unknown): boolean {
  return ArrayBuffer.isView(value) && value.byteLength >= BULK_MIN_BYTES;
}

const CONTROL_BYTES = 64;
/** Control word: 1 once the child has mapped the block (the parent writes no job there before). */
const ATTACHED = 0;
/** Bytes of results the answer ring holds; a result that does not fit then goes by fd 4. */
const ANSWER_RING_BYTES = 1 << 16;
/** Bytes of jobs the jobs ring holds: twice a worker's in-flight limit of large payloads (see backlog.ts). */
const JOBS_RING_BYTES = 1 << 23;
/** Bytes of large results the results ring holds; what does not fit goes by fd 4. */
const RESULTS_RING_BYTES = 1 << 23;

const ANSWERS_AT = CONTROL_BYTES;
const JOBS_AT = ANSWERS_AT + Ring.byteLength(ANSWER_RING_BYTES);

const RESULTS_AT = JOBS_AT + Ring.byteLength(JOBS_RING_BYTES);

export const SHARED_BLOCK_BYTES = RESULTS_AT + Ring.byteLength(RESULTS_RING_BYTES);

/** One side's view of the block. */
export class SharedBlock {
  readonly answers: Ring;
  readonly jobs: Ring;
  readonly results: Ring;
  readonly #control: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    if (buffer.byteLength < SHARED_BLOCK_BYTES)
      throw new RangeError(
        `a worker's shared block needs ${SHARED_BLOCK_BYTES} bytes, got ${buffer.byteLength}`,
      );
    this.#control = new Int32Array(buffer, 0, CONTROL_BYTES / 4);
    this.answers = new Ring(buffer, ANSWERS_AT, Ring.byteLength(ANSWER_RING_BYTES));
    this.jobs = new Ring(buffer, JOBS_AT, Ring.byteLength(JOBS_RING_BYTES));
    this.results = new Ring(buffer, RESULTS_AT, Ring.byteLength(RESULTS_RING_BYTES));
  }

  /** Child: the block is mapped; jobs may come through it from now on. */
  markAttached(): void {
    Atomics.store(this.#control, ATTACHED, 1);
  }

  /** Parent: whether the child has mapped the block. */
  get attached(): boolean {
    return Atomics.load(this.#control, ATTACHED) === 1;
  }
}
