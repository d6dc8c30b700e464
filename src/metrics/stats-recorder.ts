/** Counters and histograms an executor keeps for `stats()`. */
import { TimeoutError } from '../errors.ts';
import type { Percentiles } from './histogram.ts';
import { Histogram } from './histogram.ts';

export interface RecordedStats {
  readonly completed: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly timedOut: number;
  readonly workerRestarts: number;
  readonly runTime: Percentiles;
  readonly waitTime: Percentiles;
}

export class StatsRecorder {
  completed = 0;
  failed = 0;
  cancelled = 0;
  timedOut = 0;
  workerRestarts = 0;
  readonly runTime = new Histogram();
  readonly waitTime = new Histogram();

  cancelledOrTimedOut(reason: unknown): void {
    if (reason instanceof TimeoutError) this.timedOut++;
    else this.cancelled++;
  }

  snapshot(): RecordedStats {
    return {
      completed: this.completed,
      failed: this.failed,
      cancelled: this.cancelled,
      timedOut: this.timedOut,
      workerRestarts: this.workerRestarts,
      runTime: this.runTime.snapshot(),
      waitTime: this.waitTime.snapshot(),
    };
  }
}
