/**
 * The ingest job as BullMQ runs it, in the worker process or in-process from the CLI
 * (`runInProcess`): the same function either way.
 */
import { UnrecoverableError, type Job, type MinimalQueue, type Processor, type Queue } from 'bullmq';
import { InputError, formatIssue } from '@movielens/core';
import type { Logger } from '@movielens/config';
import { ingestJobSchema, jobIsLive, requestRebuild, type IngestJobData, type IngestJobResult, type IngestProgress } from '@movielens/jobs';
import { UploadStore, type IngestReport, type KeySchema, type RedisClient } from '@movielens/store';
import { runIngest } from './ingest.pipeline';

/** What the processor needs. */
export interface IngestProcessorDeps {
  redis: RedisClient;
  keys: KeySchema;
  /** Queue to request a model rebuild on after a new dataset version; none = no rebuild requested. */
  rebuildQueue?: Queue;
  /** Debounce of rebuild requests, ms (see requestRebuild). Default 2000. */
  rebuildDebounceMs?: number;
  logger?: Logger;
  /** Ratings per stored chunk; default 131,072. */
  chunkSize?: number;
  /**
   * The queue these jobs come from. With it, a version staged by a job that has ended (failed
   * for good after its process died mid-write) is swept by the next ingest at once; without
   * it, after 6 h.
   */
  ingestQueue?: MinimalQueue;
}

/**
 * Whether the owner of a staged version (`ingest:<jobId>`, `live:<jobId>`) may still write it:
 * its job in `queue` is live. An owner of another form is assumed live.
 */
export function stagingOwnerIsLive(queue: MinimalQueue): (owner: string) => Promise<boolean> {
  return async (owner) => {
    const colon = owner.indexOf(':');
    return colon < 0 || (await jobIsLive(queue, owner.slice(colon + 1)));
  };
}

/** Minimum interval between two job progress updates, ms (each is a Redis write and an event). */
const PROGRESS_INTERVAL_MS = 100;

/** Version id of a job's dataset: the same for every attempt, so a retry overwrites its own keys. */
export function versionIdOf(job: Pick<Job, 'id' | 'timestamp'>): string {
  return `${job.timestamp.toString(36)}-${String(job.id).replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/**
 * Creates the ingest job processor. Bad input (and an invalid payload) fails the job at once
 * with UnrecoverableError carrying the clear message; any other error is rethrown so BullMQ
 * retries it (transient Redis faults). The upload is deleted after success, after bad input,
 * and after the last failed attempt.
 */
export function createIngestProcessor(deps: IngestProcessorDeps): Processor<IngestJobData, IngestJobResult> {
  const uploads = new UploadStore(deps.redis, deps.keys);
  return async (job) => {
    const log = deps.logger?.child({ jobId: job.id });
    const parsed = ingestJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid ingest payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const data = parsed.data;
    let lastProgress = 0;
    const onProgress = async (progress: IngestProgress) => {
      const t = Date.now();
      if (progress.phase === 'parse' && t - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = t;
      await job.updateProgress({ ...progress });
    };
    let report: IngestReport;
    try {
      report = await runIngest(
        { redis: deps.redis, keys: deps.keys, chunkSize: deps.chunkSize, ownerIsLive: deps.ingestQueue && stagingOwnerIsLive(deps.ingestQueue) },
        { uploadId: data.uploadId, mode: data.mode, maxErrors: data.maxErrors, version: versionIdOf(job), owner: `ingest:${job.id}` },
        onProgress,
      );
    } catch (err) {
      if (err instanceof InputError) {
        await uploads.delete(data.uploadId);
        log?.warn({ issues: err.issues.slice(0, 10).map(formatIssue) }, `upload rejected: ${err.message}`);
        throw new UnrecoverableError(err.message);
      }
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await uploads.delete(data.uploadId).catch(() => undefined);
      log?.error({ err }, 'ingest attempt failed');
      throw err;
    }
    await uploads.delete(data.uploadId);
    if (!report.unchanged && deps.rebuildQueue) await requestRebuild(deps.rebuildQueue, { trigger: 'ingest', datasetVersion: report.datasetVersion }, { debounceMs: deps.rebuildDebounceMs });
    log?.info({ datasetVersion: report.datasetVersion, unchanged: report.unchanged, ratings: report.read.ratings, durationMs: report.durationMs }, 'ingest done');
    return report;
  };
}
