import type { Job, Queue } from 'bullmq';
import { z } from 'zod';

/**
 * Name of the job, on the `ingest` queue, that applies pending live ratings to a new dataset
 * version (the same versioned path as an upload; the ingest worker runs both).
 */
export const LIVE_APPLY_JOB = 'apply-live';

/** Payload of an `apply-live` job. */
export const liveApplyJobSchema = z.object({
  /** What crossed its threshold: pending ratings (`count`), the oldest pending one's age (`age`), or an operator (`manual`). */
  trigger: z.enum(['count', 'age', 'manual']),
  /** Pending changes when it was asked for (for the logs). */
  pending: z.number().int().min(0),
});

/** Payload of an `apply-live` job. */
export type LiveApplyJobData = z.infer<typeof liveApplyJobSchema>;

/** Result of an `apply-live` job. */
export interface LiveApplyResult {
  /** Dataset version current after the job (the new one, or the unchanged current one). */
  datasetVersion: string;
  /** False when nothing was pending (no version made), or the version was made by an earlier attempt. */
  created: boolean;
  /** Log entries applied, and the changes (sets and deletes) in them. */
  entries: number;
  changes: number;
  /** Changes the version could not take (a movie it lacks, stars off its scale: the dataset was replaced meanwhile). */
  skipped: number;
  /** Last log entry in the version (`DatasetMeta.live.upTo`). */
  upTo: string;
}

/**
 * Asks for one apply of the pending live ratings. At most one waits or runs at a time (BullMQ
 * deduplication until it ends): asking again meanwhile is a no-op, and what arrives during a
 * run is applied by the next one. 3 attempts; a retry continues from the dataset's own mark.
 */
export async function requestLiveApply(queue: Queue, data: LiveApplyJobData): Promise<Job> {
  return queue.add(LIVE_APPLY_JOB, liveApplyJobSchema.parse(data), {
    deduplication: { id: LIVE_APPLY_JOB },
    attempts: 3,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { count: 100 },
    removeOnFail: { count: 100 },
  });
}
