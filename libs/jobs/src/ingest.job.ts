import type { Job, JobsOptions, Queue } from 'bullmq';
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

const lineIssueSchema = z.object({ file: z.string(), line: z.number().int().min(0), reason: z.string() });

/** Result of an `ingest` job (also stored in the dataset meta as `report`). */
export const ingestReportSchema = z.object({
  mode: z.enum(['replace', 'append']),
  /** True when the upload equals the current dataset's input: nothing was written. */
  unchanged: z.boolean(),
  /** Dataset version current after the ingest. */
  datasetVersion: z.string(),
  /** Dataset version the ingest started from; null when there was none. */
  parentVersion: z.string().nullable(),
  files: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['ratings', 'movies', 'users']),
      release: z.enum(['ml-1m', 'ml-100k', 'ml-csv']),
      /** Bytes. */
      size: z.number().int().min(0),
      sha256: z.string(),
      lines: z.number().int().min(0),
      /** Exact number of bad lines skipped. */
      skipped: z.number().int().min(0),
      /** How the text was decoded (ratings files: always `ascii`). */
      encoding: z.enum(['ascii', 'utf-8', 'latin-1']),
    }),
  ),
  /** Ratings, movies and users read from the files (bad lines excluded). */
  read: z.object({ ratings: z.number().int(), movies: z.number().int(), users: z.number().int() }),
  /** Skipped bad lines (at most 100 per file listed); `skippedTotal` counts all. */
  skipped: z.array(lineIssueSchema),
  skippedTotal: z.number().int().min(0),
  /** Repeated (user, movie) pairs in the upload; the last one wins. */
  duplicates: z.object({ count: z.number().int().min(0), examples: z.array(lineIssueSchema) }),
  /** Append mode: earlier ratings replaced by a re-rating. */
  overwritten: z.number().int().min(0),
  /** Wall time, ms. */
  durationMs: z.number().min(0),
});

/** Result of an `ingest` job. */
export type IngestJobResult = z.infer<typeof ingestReportSchema>;

/** Progress an ingest job reports (`job.progress`): bytes of the upload parsed so far, and in total. */
export interface IngestProgress {
  /** What is happening: `parse` (reading files), `write` (storing the dataset), `done`. */
  phase: 'parse' | 'write' | 'done';
  /** Bytes parsed so far. */
  done: number;
  /** Bytes of all files of the upload. */
  total: number;
}

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
