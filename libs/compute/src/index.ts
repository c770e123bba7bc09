/** @movielens/compute: the rebuild pipeline (dataset version -> model version), as BullMQ processors. */
export { computeWorkersReady, startComputeWorkers } from './compute-workers';
export type { ComputeQueue, ComputeWorkers, ComputeWorkersOptions } from './compute-workers';
export { createRebuildProcessor } from './rebuild.processor';
export type { RebuildResult } from './rebuild.processor';
export { REBUILD_STAGES } from './rebuild-progress';
export type { ChildTablesProgress, RebuildProgress, RebuildStage } from './rebuild-progress';
export { REBUILD_LOCK_TTL_MS } from './rebuild-lock';
export { BuildAbandonedError, RebuildJobError } from './errors';
export { createRebuildShardProcessor } from './rebuild-shard.processor';
export type { ComputeDeps } from './compute.deps';
export { ComputeThread } from './thread/compute-thread';
