/** @movielens/compute: the rebuild as BullMQ processors (a thin orchestrator, one job per model kind, row jobs), and the model kinds. */
export { computeWorkersReady, startComputeWorkers } from './compute-workers';
export type { ComputeQueue, ComputeWorkers, ComputeWorkersOptions } from './compute-workers';
export { createRebuildProcessor } from './processors/rebuild.processor';
export type { RebuildResult } from './processors/rebuild.processor';
export { createKindProcessor } from './processors/kind.processor';
export { createRowsProcessor } from './processors/rows.processor';
export { kindProgress, rebuildProgress, rebuildProgressSchema } from './rebuild-progress';
export type { KindProgress, RebuildProgress } from './rebuild-progress';
export { KIND_LOCK_TTL_MS as REBUILD_LOCK_TTL_MS } from './kind-lock';
export { BuildAbandonedError, RebuildJobError } from './errors';
export type { ComputeDeps } from './compute.deps';
export { ComputeThread } from './thread/compute-thread';
export { commonParams, DEFAULT_KINDS, defaultKinds, KindRegistry, rebuildParamsSchema } from './kinds/registry';
export type { BuildParams, Contribution, DatasetInput, KindContext, KindRecommender, KindScorer, KindTrained, ModelKind, ModelReads, RankedMovie, RowsContext, UserRow } from './kinds/model-kind';
export { autoParts } from './kinds/svd/svd.kind';
export { defaultEvaluation, evaluationCatalogue } from './kinds/evaluation-catalogue';
export { SIMILAR_USERS_TABLE, similarUsersKind } from './kinds/similarusers/similarusers.kind';
export { unpackSimilarUsers, type SimilarUser } from './kinds/similarusers/similar-users.codec';
