/**
 * The `apply-live` job as the ingest worker runs it: pending live ratings become a new dataset
 * version (see `live-apply.pipeline.ts`), then one debounced rebuild is requested, as after an upload.
 */
import { UnrecoverableError, type Job, type Processor } from 'bullmq';
import { LIVE_APPLY_JOB, liveApplyJobSchema, requestRebuild, type IngestJobData, type IngestJobResult, type LiveApplyJobData, type LiveApplyResult } from '@movielens/jobs';
import { createIngestProcessor, stagingOwnerIsLive, versionIdOf, type IngestProcessorDeps } from './ingest.processor';
import { runLiveApply } from './live-apply.pipeline';

/** Creates the `apply-live` job processor. A Redis fault fails the attempt, which BullMQ retries. */
export function createLiveApplyProcessor(deps: IngestProcessorDeps): Processor<LiveApplyJobData, LiveApplyResult> {
  return async (job) => {
    const parsed = liveApplyJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid apply-live payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const log = deps.logger?.child({ jobId: job.id });
    const version = versionIdOf(job);
    const result = await runLiveApply({ redis: deps.redis, keys: deps.keys, chunkSize: deps.chunkSize, ownerIsLive: deps.ingestQueue && stagingOwnerIsLive(deps.ingestQueue) }, { version, owner: `live:${job.id}` });
    // Also when an earlier attempt made the version and died before asking: rebuild requests are debounced, so asking twice costs nothing.
    if (result.datasetVersion === version && deps.rebuildQueue) {
      await requestRebuild(deps.rebuildQueue, { trigger: 'ingest', datasetVersion: result.datasetVersion }, { debounceMs: deps.rebuildDebounceMs });
    }
    log?.info({ ...result, trigger: parsed.data.trigger }, result.created ? 'live ratings applied' : 'no live ratings to apply');
    return result;
  };
}

/** Payload of any job of the ingest queue. */
export type IngestQueueJobData = IngestJobData | LiveApplyJobData;
/** Result of any job of the ingest queue. */
export type IngestQueueJobResult = IngestJobResult | LiveApplyResult;

/**
 * The ingest worker's processor: `apply-live` jobs to the live-apply processor, every other
 * job (`ingest`) to the upload processor. Each validates its own payload (zod), so the casts
 * below only pick the job's static type by its name.
 */
export function createIngestQueueProcessor(deps: IngestProcessorDeps): Processor<IngestQueueJobData, IngestQueueJobResult> {
  const ingest = createIngestProcessor(deps);
  const apply = createLiveApplyProcessor(deps);
  return (job, token) => (job.name === LIVE_APPLY_JOB ? apply(job as Job<LiveApplyJobData, LiveApplyResult>, token) : ingest(job as Job<IngestJobData, IngestJobResult>, token));
}
