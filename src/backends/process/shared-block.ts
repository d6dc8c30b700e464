/**
 * The block of shared memory a pool shares with one worker process (a memfd, passed as fd 5):
 *
 *   [control: 64 B][answer ring: results, child → parent][jobs ring: large jobs, parent → child]
 *
 * The answer ring spares the child a system call per result (see process-worker.ts). The jobs ring carries
 * jobs with large byte arrays (a 1 MiB argument): written there, a job is copied once into memory the child
 * maps and once out of it, where the socket cost a copy into the kernel, one out of it in 64 KiB chunks, and
 * one to join the chunks. Measured with 200 jobs of 1 MiB each on 2 workers (the benchmark's copy scenario):
 * ~1,220 MiB/s through the socket, ~2,800 through the ring. Its place in the job stream is kept by a BULK
 * frame on the socket, so the child reads every job in the order it was sent.
 *
 * Pages are committed only as they are first written: a pool that never sends a large argument pays for the
 * answer ring alone.
 */
import { Ring } from '../common/ring.ts';

const CONTROL_BYTES = 64;
/** Control word: 1 once the child has mapped the block (the parent writes no job there before). */
const ATTACHED = 0;
/** Bytes of results the answer ring holds; a result that does not fit then goes by fd 4. */
const ANSWER_RING_BYTES = 1 << 16;
/** Bytes of jobs the jobs ring holds: twice a worker's in-flight limit of large payloads (see backlog.ts). */
const JOBS_RING_BYTES = 1 << 23;

const ANSWERS_AT = CONTROL_BYTES;
const JOBS_AT = ANSWERS_AT + Ring.byteLength(ANSWER_RING_BYTES);

export const SHARED_BLOCK_BYTES = JOBS_AT + Ring.byteLength(JOBS_RING_BYTES);

/** One side's view of the block. */
export class SharedBlock {
  readonly answers: Ring;
  readonly jobs: Ring;
  readonly #control: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    if (buffer.byteLength < SHARED_BLOCK_BYTES)
      throw new RangeError(
        `a worker's shared block needs ${SHARED_BLOCK_BYTES} bytes, got ${buffer.byteLength}`,
      );
    this.#control = new Int32Array(buffer, 0, CONTROL_BYTES / 4);
    this.answers = new Ring(buffer, ANSWERS_AT, Ring.byteLength(ANSWER_RING_BYTES));
    this.jobs = new Ring(buffer, JOBS_AT, Ring.byteLength(JOBS_RING_BYTES));
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
