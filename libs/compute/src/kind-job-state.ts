/**
 * The part of a running `kind` job's data that the row-progress report reads back from Redis
 * (BullMQ keeps job data as JSON): the kind, the kinds its rebuild planned and, once trained,
 * the row jobs expected per table in the current round, and the results its row jobs returned.
 * The kind and rows processors write them (`TrainedState`, `RowsJobResult`); here they are
 * validated, not cast, so a corrupt or foreign value is named.
 */
import { buildParamsSchema, rowsJobResultSchema, rowsJobSchema } from '@movielens/jobs';
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

/** What the row-progress report reads of one returned row job: its table and round (the rows processor's `rowsJobResultSchema`, other fields dropped). */
export const rowResultSchema = rowsJobResultSchema.pick({ table: true, round: true });

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

/**
 * What the kind processor's `train` step leaves in its job's data for the `rows` step, read back
 * from Redis by a retried or stalled finish. Fields added to it later have defaults, so the state
 * of a job saved before them still reads.
 */
export const trainedStateSchema = z.object({
  datasetVersion: z.string(),
  /** The dataset version's creation time, ms since the epoch. */
  datasetCreatedAt: z.number(),
  /** When the build started, ms since the epoch (the kind version's `createdAt`). */
  createdAt: z.number(),
  /** The kind's slice of the build parameters. */
  params: buildParamsSchema,
  /** All build parameters. */
  buildParams: buildParamsSchema,
  /** The kind's facts for its meta (its own schema checks them). */
  info: z.record(z.string(), z.unknown()),
  /** Stage times so far, ms. */
  timings: z.record(z.string(), z.number()),
  /** Hash shards of its sharded tables. */
  shards: z.number().int().min(1),
  /** Scratch tables dropped before publishing. */
  scratch: z.array(z.string()),
  /** Row jobs of the current round added per table: finishing checks that every one of them returned. */
  expected: z.record(z.string(), z.number().int().min(0)),
  /** The current round's row job payloads, to add again those that did not return; default none. */
  rows: z.array(rowsJobSchema).default([]),
  /** The current round of row jobs (0: those `train` returned; more with the kind's `nextRound`); default 0. */
  round: z.number().int().min(0).default(0),
  /** Rounds the kind expects (`KindTrained.rounds`), for progress; default 1. */
  roundsTotal: z.number().int().min(1).default(1),
  /** Times the current round's missing row jobs were added again; default 0. */
  retries: z.number().int().min(0).default(0),
  /** Row jobs run so far per process (`host:pid`), over every round; default none. */
  rowWorkers: z.record(z.string(), z.number().int().min(0)).default({}),
  /** Epoch ms when the first round's row jobs were added. */
  rowsAddedAt: z.number(),
  /** Epoch ms when training started. */
  startedAt: z.number(),
});

/** What a kind job's `train` step leaves for its `rows` step. */
export type TrainedState = z.infer<typeof trainedStateSchema>;

/**
 * Validates the trained state a kind job's data holds (`data.trained`), as read back from Redis.
 * @param jobId - the kind job's id, named in the error
 * @throws RebuildJobError (`BAD_JOB`) naming the job and each bad path
 */
export function decodeTrainedState(value: unknown, jobId: string): TrainedState {
  const parsed = trainedStateSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new RebuildJobError(`kind job ${jobId}: its trained state is not of the expected shape (${issuesOf(parsed.error)})`, { cause: parsed.error });
}
