/**
 * What a model version records about itself, validated when read back from Redis (never cast).
 *
 * Two kinds of version live in the model key space:
 * - a **kind version** (`<kind>-<ms>-<hex>`, e.g. `svd-1764082800000-3fa2`): the output of one
 *   model kind's training job (its tables, under its own keys) and a `KindMeta` at
 *   `P:{m:<ver>}:kind`;
 * - a **set version** (`m<ms>-<hex>`): what the API serves, one kind version per kind, and a
 *   `ModelMeta` at `P:{m:<ver>}:meta`, written once when the set is published and never changed.
 *   Its tables stay where their kind version wrote them (`tableHomes`).
 */
import { z } from 'zod';

/** When and what a table was written: lets a reader detect a stale or torn table (Gorse-style). */
export const tableStampSchema = z.object({
  /** sha1 (hex) of the stored bytes; for a sharded table, of the part digests in part order. */
  digest: z.string(),
  /** Write time, ms since the epoch. */
  updatedAt: z.number(),
  /** Stored size in bytes. */
  bytes: z.number(),
});

/** When and what a table was written. */
export type TableStamp = z.infer<typeof tableStampSchema>;

/** Build parameters as stored: numbers and booleans by name. */
const paramsSchema = z.record(z.string(), z.union([z.number(), z.boolean()]));

/** Metadata of one kind version: one model kind trained on one dataset version. */
export const kindMetaSchema = z.object({
  /** Kind version id, `<kind>-<ms>-<hex>`. */
  id: z.string(),
  /** The model kind, e.g. `svd`, `mf`, `lstm`, `analytics`. */
  kind: z.string(),
  /** Dataset version it was trained on. */
  datasetVersion: z.string(),
  /** Creation time of that dataset version, ms since the epoch: orders kind versions by their data. */
  datasetCreatedAt: z.number(),
  /** The kind's slice of the build parameters (and the common ones): what makes two versions the same build. */
  params: paramsSchema,
  /** Every parameter of the build that trained it (other kinds' too, e.g. `lstm: false`): a later rebuild inherits them. */
  buildParams: paramsSchema.optional(),
  /** Stage times of its training job, ms. */
  timings: z.record(z.string(), z.number()),
  /** Hash shards of its sharded tables (id modulo shards); 1 when it has none. */
  shards: z.number().int().min(1),
  /** Stamp of every table it wrote, by name. */
  tables: z.record(z.string(), tableStampSchema),
  /** What the kind reports about itself for readers and the set meta (singular values, counts, table lists...). */
  info: z.record(z.string(), z.unknown()),
  /** Host that trained it. */
  host: z.string(),
  /** Training start, ms since the epoch. */
  createdAt: z.number(),
});

/** Metadata of one kind version. */
export type KindMeta = z.infer<typeof kindMetaSchema>;

/** A kind as a set serves it: which kind version, from which data, with which parameters. */
export const kindRefSchema = z.object({
  /** Kind version id. */
  version: z.string(),
  datasetVersion: z.string(),
  datasetCreatedAt: z.number(),
  params: paramsSchema,
  timings: z.record(z.string(), z.number()),
  /** When this kind version entered a served set, ms since the epoch. */
  publishedAt: z.number(),
});

/** A kind as a set serves it. */
export type KindRef = z.infer<typeof kindRefSchema>;

/** Where a table of a set lives: the version whose keys hold it, and its shard count. */
export const tableHomeSchema = z.object({ version: z.string(), shards: z.number().int().min(1) });

/** Where a table of a set lives. */
export type TableHome = z.infer<typeof tableHomeSchema>;

/** Metadata of one published set version (what `model:current` points to). */
export const modelMetaSchema = z.object({
  /** Set version id, e.g. `m1764082800000-3fa2`; ordered by creation time. */
  id: z.string(),
  /** Dataset version of the set's primary kind (`svd`): the catalogue and user rows are read from it. */
  datasetVersion: z.string(),
  /** Build parameters of every kind in the set, merged (k, topK, recsN, minCount, seed, mf, mfSamples, lstm, ...). */
  params: paramsSchema,
  /**
   * Stage times of the kinds' jobs, ms, merged (`load`, `matrix`, `svd`, `stage`, `similarity`,
   * `recommendations`, `shards`, `analytics`, `mf`, `lstm`, `lstmStates`, `publish`, `total`);
   * each kind's own times are in `kinds[kind].timings`.
   */
  timings: z.record(z.string(), z.number()),
  /** Singular values of the `svd` kind, descending (stars). */
  singularValues: z.array(z.number()),
  /** Share of the centered matrix's squared Frobenius norm captured by the k factors, 0..1. */
  explainedVariance: z.number(),
  /** Rows and columns of the rating matrix and number of ratings used (`svd` kind). */
  counts: z.object({ users: z.number(), movies: z.number(), ratings: z.number() }),
  /** Hash shards of the `svd` kind's sharded tables (`similar`, `recs`). */
  shards: z.number().int().min(1),
  /** Number of factors actually computed by the `svd` kind. */
  k: z.number(),
  /** Host that published the set. */
  host: z.string(),
  /** Set creation time, ms since the epoch. */
  createdAt: z.number(),
  /** Publication (pointer switch) time, ms since the epoch. */
  publishedAt: z.number(),
  /** Stamp of every table of the set, by name. */
  tables: z.record(z.string(), tableStampSchema),
  /** Names of the analytics tables, for `analytics(ver, name)`. */
  analytics: z.array(z.string()),
  /** The kind versions served by this set, by kind. Absent in versions written before kinds. */
  kinds: z.record(z.string(), kindRefSchema).optional(),
  /** Where each table lives. Absent in versions written before kinds: every table is under the set's own id. */
  tableHomes: z.record(z.string(), tableHomeSchema).optional(),
});

/** Metadata of one published set version. */
export type ModelMeta = z.infer<typeof modelMetaSchema>;

/** A version in the set version list. */
export interface ModelVersionInfo {
  id: string;
  /** Creation time, ms since the epoch. */
  createdAt: number;
  /** True for the version being served. */
  current: boolean;
}

/** A staging marker value (`P:model:staging` field): JSON {owner, startedAt}; `owner` is absent for a build begun without one. */
export const modelStagingRecordSchema = z.object({
  /** Id of the job building the version. */
  owner: z.string().optional(),
  /** Build start, ms since the epoch. */
  startedAt: z.number(),
});

/** A staging marker value. */
export type ModelStagingRecord = z.infer<typeof modelStagingRecordSchema>;

/** The build parameters of the last explicit rebuild request (`P:model:recipe`), as `setRecipe` writes them. */
export const recipeSchema = paramsSchema;
