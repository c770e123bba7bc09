/** @movielens/jobs: queue names, job payload schemas and queue helpers. */
export { bullPrefix, QueueName } from './queues';
export { rebuildJobSchema, rebuildResultSchema, requestRebuild } from './rebuild.job';
export type { RebuildJobData, RebuildJobResult, RequestRebuildOptions } from './rebuild.job';
export { rebuildStepSchema } from './rebuild.job';
export type { RebuildStep } from './rebuild.job';
export { buildParamsSchema, kindJobResultSchema, kindJobSchema, kindStepSchema, rowsJobResultSchema, rowsJobSchema, ShardJobName } from './rebuild-shard.job';
export type { KindJobData, KindJobResult, RowsJobData, RowsJobResult } from './rebuild-shard.job';
export { enqueueIngest, INGEST_JOB_OPTIONS, ingestJobSchema, ingestProgressSchema, ingestReportSchema } from './ingest.job';
export { LIVE_APPLY_JOB, liveApplyJobSchema, requestLiveApply } from './live-apply.job';
export type { LiveApplyJobData, LiveApplyResult } from './live-apply.job';
export type { IngestJobData, IngestJobResult, IngestProgress } from './ingest.job';
export { createQueue, createQueueEvents, createWorker, hasActiveWorkers, runInProcess } from './queue.factory';
export { decodeChildResults, decodeJobResult, JobResultError, readChildResults } from './job-result';
export type { QueueConnection, RunInProcessOptions, WorkerFactoryOptions } from './queue.factory';
export { startHeartbeat } from './heartbeat';
export type { HeartbeatOptions, HeartbeatTarget } from './heartbeat';
export { buildsInProgress } from './build-status';
export type { BuildInProgress } from './build-status';
