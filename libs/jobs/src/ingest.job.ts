import type { Job, JobsOptions, Queue } from 'bullmq';
import { ingestReportSchema } from '@movielens/contracts';
import { z } from 'zod';

/** Payload of an `ingest` job: which staged upload to ingest, and how. */
export const ingestJobSchema = z.object({
  /** Id of an upload staged by UploadStore (files streamed into Redis). */
  uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an upload id: letters, digits, _ and -'),
  /** `replace`: the files are a full dump (a ratings file is required). `append`: merged into the current dataset. Default replace. */
  mode: z.enum(['replace', 'append']).default('replace'),
  /** Bad lines tolerated per file (skipped and reported); one more rejects the upload. Default 0. */
  maxErrors: z.number().int().min(0).default(0),
});

/** Payload of an `ingest` job, as given to {@link enqueueIngest} (defaults optional). */
export type IngestJobData = z.input<typeof ingestJobSchema>;

/** Result of an `ingest` job (also stored in the dataset meta as `report`): the one schema in @movielens/contracts. */
export { ingestReportSchema };

/** Result of an `ingest` job. */
export type IngestJobResult = z.infer<typeof ingestReportSchema>;

/**
 * Progress an ingest job reports (`job.progress`): bytes of the upload parsed so far, and in
 * total. Readers (the CLI's bar, from `progress` events) validate it with this rather than cast it.
 */
export const ingestProgressSchema = z.object({
  /** What is happening: `parse` (reading files), `write` (storing the dataset), `done`. */
  phase: z.enum(['parse', 'write', 'done']),
  /** Bytes parsed so far. */
  done: z.number(),
  /** Bytes of all files of the upload. */
  total: z.number(),
});

/** Progress an ingest job reports. */
export type IngestProgress = z.infer<typeof ingestProgressSchema>;

/** Job options of an ingest: 3 attempts (transient Redis faults), exponential backoff from 1 s. */
export const INGEST_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 100 },
};

/** Validates the payload and enqueues an ingest job. */
export async function enqueueIngest(queue: Queue<IngestJobData, IngestJobResult>, data: IngestJobData, options: JobsOptions = {}): Promise<Job<IngestJobData, IngestJobResult>> {
  return queue.add('ingest', ingestJobSchema.parse(data), { ...INGEST_JOB_OPTIONS, ...options });
}
