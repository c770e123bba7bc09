import type { Queue } from 'bullmq';
import { z } from 'zod';

/** Parameters of a model build. Defaults reproduce the original notebook's method. */
export const rebuildParamsSchema = z.object({
  /** Number of SVD factors. Default 50. */
  k: z.number().int().min(1).max(500).default(50),
  /** Similar movies kept per movie. Default 50. */
  topK: z.number().int().min(1).max(1000).default(50),
  /** Recommendations kept per user. Default 100. */
  recsN: z.number().int().min(1).max(1000).default(100),
  /** Leave out movies with fewer ratings from similarity lists; 0 = off (the original method). Default 0. */
  minCount: z.number().int().min(0).default(0),
  /** Seed of the SVD's start vector (restarted Lanczos): the same dataset and params give the same model. Default 42. */
  seed: z.number().int().default(42),
  /** Hash shards of the `similar` and `recs` tables (id modulo shards). Default 16. */
  shards: z.number().int().min(1).max(1024).default(16),
  /**
   * Shard jobs per table (row blocks any compute worker may take); 0 = by size (`autoParts`:
   * 8, more for big datasets so the last job of a table does not leave other workers idle).
   * Default 0.
   */
  parts: z.number().int().min(0).max(256).default(0),
  /** Train the Bayesian MF rating model (table `mf`, served by /users/:id/predictions). Default true. */
  mf: z.boolean().default(true),
  /** Gibbs samples averaged by the MF model after 20 burn-in sweeps (cost ~ linear; 40 gives RMSE 0.903 on ML-100K). Default 40. */
  mfSamples: z.number().int().min(1).max(200).default(40),
  /** Train the next-movie LSTM (table `lstm`, served by /users/:id/next and /sessions/next). Off by default: ~47 CPU s an epoch on ML-1M. */
  lstm: z.boolean().default(false),
  /** Epochs of the LSTM (passes over every user's history). Default 8. */
  lstmEpochs: z.number().int().min(1).max(100).default(8),
  /**
   * Threads training the LSTM (Hogwild over shared weights); 0 = the worker machine's cores,
   * at most 8. 1 gives bit-identical weights for a seed; more vary slightly run to run. Default 0.
   */
  lstmThreads: z.number().int().min(0).max(64).default(0),
});

/**
 * Shard jobs per table when `parts` is 0: one per ~150 million user x movie scores, at least
 * 8 and at most 64 (ML-1M: 8; the ML-25M shape: 64, a few seconds of work each).
 */
export function autoParts(users: number, movies: number): number {
  return Math.min(64, Math.max(8, Math.ceil((users * movies) / 1.5e8)));
}

/** Parameters of a model build, with defaults applied. */
export type RebuildParams = z.infer<typeof rebuildParamsSchema>;

/** Payload of a `rebuild` job. */
export const rebuildJobSchema = z.object({
  /** Who asked: an ingest that produced a new dataset, the CLI, or the API. */
  trigger: z.enum(['ingest', 'cli', 'api']),
  /** Dataset version that prompted the build; the build always uses the current dataset. */
  datasetVersion: z.string().optional(),
  /**
   * Overrides of the default parameters. A rebuild triggered by an ingest starts from the served
   * model's parameters instead of the defaults (the new data gets the same recipe).
   */
  params: rebuildParamsSchema.partial().default({}),
});

/** Payload of a `rebuild` job. */
export type RebuildJobData = z.input<typeof rebuildJobSchema>;

/**
 * Where a running rebuild job is, kept in its data (BullMQ "process step jobs"): `build`
 * until its shard jobs are added, `children` while they run, `done` after publishing.
 */
export const rebuildStepSchema = z.object({
  step: z.enum(['build', 'children', 'done']).default('build'),
  /** Model version being built (set in the `build` step). */
  modelVersion: z.string().optional(),
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
