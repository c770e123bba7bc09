import { z } from 'zod';

/**
 * The `rebuild-shard` queue carries the work of a rebuild that any compute worker may take:
 * - `kind` jobs: one model kind trained on the current dataset, published on its own when done
 *   (children of a `rebuild` job);
 * - `rows` jobs: one block of rows of a sharded table of a kind version being built (children
 *   of that kind's job), e.g. the similar movies of a block of movies.
 */
export const ShardJobName = { kind: 'kind', rows: 'rows' } as const;

/** Build parameters by name (every kind's slice; validated by the kind registry). */
export const buildParamsSchema = z.record(z.string(), z.union([z.number(), z.boolean()]));

/** Payload of a `kind` job. */
export const kindJobSchema = z.object({
  /** The model kind to train, e.g. `svd`. */
  kind: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /** All build parameters, defaults applied (the kind reads its slice). */
  params: buildParamsSchema,
  /** Dataset version the rebuild planned for; the job trains on the current one when it starts. */
  datasetVersion: z.string().min(1),
  /** Every kind its rebuild planned (the rebuild's progress averages over them). */
  planned: z.array(z.string()).default([]),
});

/** Payload of a `kind` job. */
export type KindJobData = z.infer<typeof kindJobSchema>;

/** Where a running `kind` job is (BullMQ step job): `train`, then `rows` while its row jobs run, then `done`. */
export const kindStepSchema = z.object({
  step: z.enum(['train', 'rows', 'done']).default('train'),
  /** The kind version being built (set when training starts). */
  version: z.string().optional(),
});

/** A process that ran jobs of a build: host, pid and how many jobs. */
export const workerJobsSchema = z.object({ host: z.string(), pid: z.number().int(), jobs: z.number().int().min(0) });

/** What a `kind` job returns to its rebuild (read back from Redis by the rebuild, the CLI and tests: validated with this). */
export const kindJobResultSchema = z.object({
  kind: z.string(),
  /** The kind version built, or the served one when nothing needed building. */
  version: z.string(),
  datasetVersion: z.string(),
  /** `published`: in the served set now; `waiting`: ready, a required kind has none yet; `stale`: newer data was served meanwhile (deleted); `current`: nothing to build. */
  outcome: z.enum(['published', 'waiting', 'stale', 'current']),
  /** The set version served after this job. */
  modelVersion: z.string().nullable(),
  /** Stage times, ms. */
  timings: z.record(z.string(), z.number()),
  /** Host and pid that trained it. */
  host: z.string(),
  pid: z.number().int(),
  /** Every process that ran a job of this kind's build (its kind job and its row jobs), with the number of jobs. */
  workers: z.array(workerJobsSchema),
});

/** What a `kind` job returns to its rebuild. */
export type KindJobResult = z.infer<typeof kindJobResultSchema>;

/** Payload of a `rows` job: one block of rows of one sharded table of a kind version being built. */
export const rowsJobSchema = z.object({
  /** The kind that owns the table (its row writer runs the job). */
  kind: z.string().regex(/^[a-z][a-z0-9-]*$/),
  /** The kind version being built. */
  modelVersion: z.string().min(1),
  /** Which table this job fills, e.g. `similar`, `recs`. */
  table: z.string().min(1),
  /** Index of this block (0-based) among the table's blocks. */
  part: z.number().int().min(0),
  /** First dense row, inclusive. */
  rowStart: z.number().int().min(0),
  /** Last dense row, exclusive. */
  rowEnd: z.number().int().min(0),
  /** Hash shards of the table (id modulo shards). */
  shards: z.number().int().min(1),
  /** List length kept per row. */
  n: z.number().int().min(1),
  /** Leave out movies with fewer ratings (similar lists only); 0 = off. */
  minCount: z.number().int().min(0).default(0),
  /** Round of a multi-round kind (iALS: one round per half-iteration), 0-based; absent = 0 (single-round kinds). */
  round: z.number().int().min(0).optional(),
});

/** Payload of a `rows` job. */
export type RowsJobData = z.infer<typeof rowsJobSchema>;

/** What a `rows` job returns to its kind job: rows written and who computed them (read back from Redis by the kind job: validated with this). */
export const rowsJobResultSchema = z.object({
  /** The version the job wrote to (a retried build can see children of an earlier attempt). */
  modelVersion: z.string(),
  table: z.string(),
  part: z.number().int().min(0),
  /** The round of the job (`RowsJobData.round`): a kind job counts only its current round's results; absent = 0 (single-round kinds). */
  round: z.number().int().min(0).default(0),
  rows: z.number().min(0),
  /** Host and pid of the worker that ran the job (shows how the work was spread). */
  host: z.string(),
  pid: z.number().int(),
  /** Compute and write time, ms. */
  ms: z.number(),
  /** When the job started and finished, ms since the epoch (a table's wall time spans its jobs). */
  startedAt: z.number(),
  finishedAt: z.number(),
});

/** What a `rows` job returns to its kind job. */
export type RowsJobResult = z.infer<typeof rowsJobResultSchema>;
