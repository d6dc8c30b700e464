/**
 * Bytes of large payloads a worker has been sent and not yet answered. The pool stops handing a worker more
 * jobs above a limit: 200 jobs of 1 MiB each submitted at once would otherwise be copied (and, for processes,
 * written to the socket) all up front, hundreds of MiB in flight for no gain in throughput.
 */
const TRACKED_BYTES = 64 * 1024;

export class Backlog {
  #bytes = 0;
  readonly #byJob = new Map<number, number>();

  get bytes(): number {
    return this.#bytes;
  }

  add(id: number, bytes: number): void {
    if (bytes < TRACKED_BYTES) return;
    this.#byJob.set(id, bytes);
    this.#bytes += bytes;
  }

  remove(id: number): void {
    const bytes = this.#byJob.get(id);
    if (bytes === undefined) return;
    this.#byJob.delete(id);
    this.#bytes -= bytes;
  }
}
