/** What AutoExecutor reports in `stats()`: a decision per task, with the figures behind it. */
import type { ExecutorStats } from '../core/executor.ts';
import type { AutoBackend, AutoChoice, ExploreMeasurement } from './auto-decision.ts';

/** What AutoExecutor decided for one task, and on what figures; kept until a re-exploration replaces it. */
export interface AutoDecision extends AutoChoice {
  /** `moduleUrl#exportName`, or `(plain functions)`. */
  readonly task: string;
  /** When the decision was made (ISO timestamp). */
  readonly decidedAt: string;
  /** Calls of this task submitted before the decision (those explored, and those that waited). */
  readonly afterCalls: number;
  /** From the first explored call to the decision. */
  readonly explorationMs: number;
  /** 1 for the first exploration, 2 after the first re-exploration (`explore.every`), … */
  readonly round: number;
  /** Calls routed on this decision since it was made. */
  readonly routedCalls: number;
  /** What each candidate measured (empty for plain functions). */
  readonly measurements: readonly ExploreMeasurement[];
}

export interface AutoExecutorStats extends ExecutorStats {
  /** One entry per task decided so far, in the order they were decided. */
  readonly decisions: readonly AutoDecision[];
  /** Tasks still exploring (`moduleUrl#exportName`). */
  readonly exploring: readonly string[];
  /** Each underlying executor's own stats. */
  readonly backends: Readonly<Partial<Record<AutoBackend, ExecutorStats>>>;
}

/** @internal The task name of the entry for plain functions. */
export const PLAIN_FUNCTIONS = '(plain functions)';

/** @internal Plain functions need no measuring: only AsyncExecutor can run them. */
export function plainFunctionsDecision(maxConcurrency: number): AutoDecision {
  return {
    task: PLAIN_FUNCTIONS,
    backend: 'async',
    label: `async ×${maxConcurrency}`,
    throughput: undefined,
    kind: 'unknown',
    reason:
      'Plain functions cannot be sent to a thread or process (workers load tasks by module and export), so ' +
      'only AsyncExecutor can run them; define them with task() to let AutoExecutor measure the others.',
    evidence: [],
    decidedAt: new Date().toISOString(),
    afterCalls: 0,
    explorationMs: 0,
    round: 1,
    routedCalls: 0,
    measurements: [],
  };
}
