/**
 * `spindle/advisor`: measure a task under every strategy, classify it and recommend a backend (the library
 * form of `spindle profile`). A separate entry point so that workers, which import `spindle`, do not load it.
 */
export { profile } from './profile.ts';
export type { ProfileOptions, ProfileResult, ProfileProgress } from './profile.ts';
export type { ArgLists } from './target.ts';
export type { Classification, ClassifyThresholds, Evidence, WorkloadClass } from './classify.ts';
export type { Recommendation, RecommendOptions } from './recommend.ts';
export type {
  Backend,
  Strategy,
  TrialMeasurement,
  TrialStatus,
  LatencySummary,
  Calibration,
  SerializationCost,
  ProfileMeasurements,
} from './measurements.ts';
export {
  AutoExecutor,
  type AutoExecutorOptions,
  type AutoExploreOptions,
  type AutoExecutorStats,
  type AutoDecision,
  type AutoBackend,
  type ExploreMeasurement,
} from './auto-executor.ts';
