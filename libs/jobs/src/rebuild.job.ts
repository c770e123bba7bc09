import type { Queue } from 'bullmq';
import { z } from 'zod';
import { buildParamsSchema } from './rebuild-shard.job';

/** Payload of a `rebuild` job. */
export const rebuildJobSchema = z.object({
  /** Who asked: an ingest that produced a new dataset, the CLI, or the API. */
  trigger: z.enum(['ingest', 'cli', 'api']),
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
});

/** The step state of a running rebuild job. */
export type RebuildStep = z.infer<typeof rebuildStepSchema>;

/** Options of {@link requestRebuild}. */
export interface RequestRebuildOptions {
  /**
   * Debounce window in ms: requests within it collapse into one job (the newest payload
   * wins), so a burst of uploads leads to a single rebuild. Default 2000; 0 runs at once.
   */
  debounceMs?: number;
}

/**
 * Enqueues a rebuild, collapsing bursts: BullMQ deduplication in debounce mode keeps one
 * delayed job per window and replaces its payload with the newest request.
 */
export async function requestRebuild(queue: Queue, data: RebuildJobData, options: RequestRebuildOptions = {}) {
  const payload = rebuildJobSchema.parse(data);
  const debounceMs = options.debounceMs ?? 2000;
  return queue.add('rebuild', payload, {
    ...(debounceMs > 0 ? { delay: debounceMs, deduplication: { id: 'rebuild', ttl: debounceMs, extend: true, replace: true } } : {}),
    attempts: 3,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { count: 100 },
    removeOnFail: { count: 100 },
  });
}
