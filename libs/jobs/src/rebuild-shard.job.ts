import { z } from 'zod';

/** Tables computed by shard jobs. */
export const ShardTable = {
  /** Similar movies of a block of movies. */
  similar: 'similar',
  /** Recommendations of a block of users. */
  recs: 'recs',
  /** Per-movie statistics and the analytics tables (one job; needs only the ratings, so it runs beside the SVD). */
  analytics: 'analytics',
} as const;

/** A table computed by shard jobs. */
export type ShardTable = (typeof ShardTable)[keyof typeof ShardTable];

/**
 * Payload of a `rebuild-shard` job of rows: one block of rows of one table of a model version
 * that is being built. The inputs (factors, the block's users) were staged in Redis by the
 * parent rebuild job under the version's keys.
 */
const rowsJobSchema = z.object({
  /** Model version being built. */
  modelVersion: z.string().min(1),
  /** Which table this job fills. */
  table: z.enum([ShardTable.similar, ShardTable.recs]),
  /** Index of this block (0-based) among the table's blocks. */
  part: z.number().int().min(0),
  /** First dense row (movie index for `similar`, user index for `recs`), inclusive. */
  rowStart: z.number().int().min(0),
  /** Last dense row, exclusive. */
  rowEnd: z.number().int().min(0),
  /** Hash shards of the table (id modulo shards). */
  shards: z.number().int().min(1),
  /** List length kept per row: topK for `similar`, recsN for `recs`. */
  n: z.number().int().min(1),
  /** Leave out movies with fewer ratings (similar lists only); 0 = off. */
  minCount: z.number().int().min(0).default(0),
});

/**
 * Payload of the `rebuild-shard` job of the analytics: added by the parent before its SVD, so
 * that another worker (or the parent's second compute thread) computes them meanwhile.
 */
const analyticsJobSchema = z.object({
  modelVersion: z.string().min(1),
  table: z.literal(ShardTable.analytics),
  /** Dataset version the model is built from (its ratings, movies and users). */
  datasetVersion: z.string().min(1),
});

/** Payload of a `rebuild-shard` job. */
export const rebuildShardJobSchema = z.discriminatedUnion('table', [rowsJobSchema, analyticsJobSchema]);

/** Payload of a `rebuild-shard` job. */
export type RebuildShardJobData = z.infer<typeof rebuildShardJobSchema>;

/** What a shard job returns to its parent: rows written and who computed them. */
export interface RebuildShardResult {
  /** The version the job wrote to (a retried build's parent can see children of an earlier attempt). */
  modelVersion: string;
  table: ShardTable;
  part: number;
  rows: number;
  /** Host and pid of the worker that ran the job (shows how the work was spread). */
  host: string;
  pid: number;
  /** Compute and write time, ms. */
  ms: number;
  /** When the job started and finished, ms since the epoch (a table's wall time spans its jobs). */
  startedAt: number;
  finishedAt: number;
  /** The analytics job only: names of the analytics tables written, and their compute time in the thread (ms). */
  analytics?: { tables: string[]; ms: number };
}
