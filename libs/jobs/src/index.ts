/** @movielens/jobs: queue names, job payload schemas and queue helpers. */
export { bullPrefix, QueueName } from './queues';
export { rebuildJobSchema, rebuildParamsSchema, requestRebuild } from './rebuild.job';
export type { RebuildJobData, RebuildParams, RequestRebuildOptions } from './rebuild.job';
