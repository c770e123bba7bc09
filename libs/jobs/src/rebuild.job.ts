import type { Queue } from 'bullmq';
import { z } from 'zod';
import { buildParamsSchema, kindJobResultSchema, workerJobsSchema } from './rebuild-shard.job';

/** Payload of a `rebuild` job. */
export const rebuildJobSchema = z.object({
  /**
   * Who asked: an ingest that produced a new dataset, the CLI, the API, or model selection (a
   * follow-up that retrains the served ranking kinds with their newly tuned parameters).
   */
  trigger: z.enum(['ingest', 'cli', 'api', 'selection']),
  /** Dataset version that prompted the build; the build always uses the current dataset. */
  datasetVersion: z.string().optional(),
  /**
   * Overrides of the default parameters (names and ranges: `rebuildParamsSchema` of
   * @movielens/compute, which checks them at the API, the CLI and in the job). A rebuild
   * triggered by an ingest starts from the served set's parameters instead of the defaults.
   */
  params: buildParamsSchema.default({}),
});

/** Payload of a `rebuild` job. */
export type RebuildJobData = z.input<typeof rebuildJobSchema>;

/**
 * Where a running rebuild job is, kept in its data (BullMQ "process step jobs"): `plan` until
 * its kind jobs are added, `kinds` while they run, `done` after.
 */
export const rebuildStepSchema = z.object({
  step: z.enum(['plan', 'kinds', 'done']).default('plan'),
  /** The kinds planned, in registry order (set in the `plan` step). */
  planned: z.array(z.string()).optional(),
  /** The dataset version the `plan` step planned for (set with `planned`). */
  datasetVersion: z.string().optional(),
  /** When the `plan` step started, ms since the epoch (set with `planned`; the summary's `total`). */
  startedAt: z.number().optional(),
});

/** The step state of a running rebuild job. */
export type RebuildStep = z.infer<typeof rebuildStepSchema>;

/**
 * What a `rebuild` job returns (@movielens/compute `RebuildResult`, checked equal to this in its
 * tests): readers of a stored result (the CLI, tests) validate it with this schema.
 */
export const rebuildResultSchema = z.object({
  /** The set version served after the rebuild: the new one, or the current one when nothing was built. */
  modelVersion: z.string().nullable(),
  /** True when every kind was already up to date with this dataset and these params. */
  noop: z.boolean(),
  datasetVersion: z.string(),
  /** What each planned kind's job did. */
  kinds: z.record(z.string(), kindJobResultSchema),
  /** Stage timings of the kinds' jobs, ms, merged; `total` is the rebuild's wall time. */
  timings: z.record(z.string(), z.number()),
  /** Singular values of the served `svd` kind, descending. */
  singularValues: z.array(z.number()),
  /** Share of the centred matrix's squared Frobenius norm its factors explain, 0..1. */
  explainedVariance: z.number(),
  /** Every process that ran a kind job or a row job of this rebuild, with its number of jobs. */
  shardWorkers: z.array(workerJobsSchema),
});

/** What a `rebuild` job returns. */
export type RebuildJobResult = z.infer<typeof rebuildResultSchema>;

/** Options of {@link requestRebuild}. */
export interface RequestRebuildOptions {
  /**
   * Debounce window in ms: requests within it collapse into one job (the newest payload
   * wins), so a burst of uploads leads to a single rebuild. Default 2000; 0 runs at once.
   */
  debounceMs?: number;
  /**
   * Deduplication id of the debounce window. Default `rebuild`; a request of another id (model
   * selection's follow-up) never replaces the payload of an operator's request.
   */
  deduplicationId?: string;
}

/**
 * Enqueues a rebuild, collapsing bursts: BullMQ deduplication in debounce mode keeps one
 * delayed job per window and replaces its payload with the newest request.
 */
export async function requestRebuild(queue: Queue, data: RebuildJobData, options: RequestRebuildOptions = {}) {
  const payload = rebuildJobSchema.parse(data);
  const debounceMs = options.debounceMs ?? 2000;
  return queue.add('rebuild', payload, {
    ...(debounceMs > 0 ? { delay: debounceMs, deduplication: { id: options.deduplicationId ?? 'rebuild', ttl: debounceMs, extend: true, replace: true } } : {}),
    attempts: 3,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { count: 100 },
    removeOnFail: { count: 100 },
  });
}
