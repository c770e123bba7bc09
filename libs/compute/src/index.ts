/** @movielens/compute: the rebuild pipeline (dataset version -> model version), as BullMQ processors. */
export { computeWorkersReady, startComputeWorkers } from './compute-workers';
export type { ComputeQueue, ComputeWorkers, ComputeWorkersOptions } from './compute-workers';
export { createRebuildProcessor, REBUILD_STAGES } from './rebuild.processor';
export type { RebuildProgress, RebuildResult, RebuildStage } from './rebuild.processor';
export { createRebuildShardProcessor } from './rebuild-shard.processor';
export type { ComputeDeps } from './compute.deps';
export { ComputeThread } from './thread/compute-thread';
