/**
 * The part of a running `kind` job's data that the row-progress report reads back from Redis
 * (BullMQ keeps job data as JSON): the kind, the kinds its rebuild planned and, once trained,
 * the row jobs expected per table in the current round, and the results its row jobs returned.
 * The kind and rows processors write them (`TrainedState`, `RowsJobResult`); here they are
 * validated, not cast, so a corrupt or foreign value is named.
 */
import { z } from 'zod';
import { RebuildJobError } from './errors';
import { issuesOf } from './processors/job-helpers';

/** What {@link decodeKindRowsState} reads of a kind job's data (other fields are dropped). */
export const kindRowsStateSchema = z.object({
  /** The model kind the job trains. */
  kind: z.string(),
  /** Every kind its rebuild planned; default none (the progress then counts this kind alone). */
  planned: z.array(z.string()).default([]),
  /** Absent until the job has trained and added its row jobs. */
  trained: z
    .object({
      /** Row jobs of the current round per table. */
      expected: z.record(z.string(), z.number().int().min(0)),
      /** The current round, 0-based; default 0 (single-round kinds). */
      round: z.number().int().min(0).default(0),
      /** Rounds the kind expects; default 1. */
      roundsTotal: z.number().int().min(1).default(1),
    })
    .optional(),
});

/** A kind job's row-progress state. */
export type KindRowsState = z.infer<typeof kindRowsStateSchema>;

/**
 * Validates a kind job's data as read back from Redis.
 * @param jobId - the kind job's id, named in the error
 * @throws RebuildJobError (`BAD_JOB`) naming the job and each bad path
 */
export function decodeKindRowsState(data: unknown, jobId: string): KindRowsState {
  const parsed = kindRowsStateSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new RebuildJobError(`kind job ${jobId}: its data is not of the expected shape (${issuesOf(parsed.error)})`, { cause: parsed.error });
}

/** What the row-progress report reads of one returned row job (`RowsJobResult`): its table and round. */
export const rowResultSchema = z.object({
  /** The table the row job filled. */
  table: z.string(),
  /** Its round; absent = 0 (single-round kinds). */
  round: z.number().int().min(0).default(0),
});

/** The table and round of a returned row job. */
export type RowResult = z.infer<typeof rowResultSchema>;

/**
 * Validates the results a kind job's row jobs returned (`job.getChildrenValues()`, by child key).
 * @param jobId - the kind job's id, named in the error
 * @throws RebuildJobError (`BAD_JOB`) naming the kind job, the child and each bad path
 */
export function decodeRowResults(values: Record<string, unknown>, jobId: string): RowResult[] {
  return Object.entries(values).map(([child, value]) => {
    const parsed = rowResultSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new RebuildJobError(`kind job ${jobId}: the result of its row job ${child} is not of the expected shape (${issuesOf(parsed.error)})`, { cause: parsed.error });
  });
}
