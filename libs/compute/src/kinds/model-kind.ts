/**
 * The model-kind contract: one declaration per kind (a folder under `kinds/`, one line in
 * `registry.ts`), from which the rebuild, the progress stages, the stored form, the served
 * set's fields, serving (`?algorithm=`) and `movielens evaluate` all follow. Nothing else is
 * edited to add a kind.
 */
import type { Logger } from '@movielens/config';
import type { Algorithm, Movie, RatingTable, User } from '@movielens/core';
import type { RowsJobData } from '@movielens/jobs';
import type { KindMeta, ModelStore, ModelWriter, SetFields } from '@movielens/store';
import type { z } from 'zod';
import type { ComputeThread } from '../thread/compute-thread';

/** Build parameters by name, as the rebuild carries them (every kind's slice, defaults applied). */
export type BuildParams = Readonly<Record<string, number | boolean>>;

/** The dataset a kind trains on; each part is loaded once per job, on first use. */
export interface DatasetInput {
  /** Dataset version id. */
  version: string;
  /** Every rating, in shared memory (handed to compute threads without a copy). */
  ratings(): Promise<RatingTable>;
  movies(): Promise<Movie[]>;
  users(): Promise<User[]>;
}

/** What a kind's training step gets. */
export interface KindContext {
  /** The kind version being written (`<kind>-<ms>-<hex>`): the `ver` of every table it writes. */
  version: string;
  dataset: DatasetInput;
  /** All build parameters; a kind reads its slice with `kind.params.parse(params)`. */
  params: BuildParams;
  /** Runs the CPU-heavy steps off the main thread (threads shared by the process's jobs). */
  thread: ComputeThread;
  /** Writes the kind version's tables (manifest first, so a crash leaves nothing unswept). */
  writer: ModelWriter;
  /** Reports progress within `stage` (one of the kind's `stages`), 0..100; never moves back. */
  progress(stage: string, percent: number): Promise<void>;
  /** Cores of this worker process (its shard concurrency). */
  cores: number;
  logger: Logger;
}

/** What a kind's training step returns. */
export interface KindTrained {
  /** Facts for readers and for the served set's fields (singular values, counts, table lists...). */
  info: Record<string, unknown>;
  /** Stage times, ms. */
  timings: Record<string, number>;
  /** Hash shards of its sharded tables (id modulo shards). Default 1. */
  shards?: number;
  /**
   * Row jobs of a sharded stage (payloads of `rebuild-shard` jobs): every compute worker shares
   * them; the version is finished and published once all of them returned.
   */
  rows?: RowsJobData[];
  /** Tables written only for the row jobs: dropped before publishing. */
  scratch?: string[];
  /**
   * Rounds of row jobs the build expects (a kind with `nextRound`): progress through its row
   * stages is spread over them. Default 1.
   */
  rounds?: number;
}

/** What a kind's `nextRound` gets, once every row job of a round returned. */
export interface RoundContext {
  /** The kind version being built. */
  version: string;
  /** All build parameters (as `KindContext.params`). */
  params: BuildParams;
  /** The round whose row jobs all returned: 0 for those `train` returned. */
  round: number;
  writer: ModelWriter;
  logger: Logger;
}

/** The reads a serving reader may use: every table of a set, wherever its kind wrote it. */
export type ModelReads = Pick<ModelStore, 'meta' | 'homeOf' | 'similar' | 'recommendations' | 'factors' | 'users' | 'movieStats' | 'analytics' | 'mf' | 'lstm' | 'lstmState' | 'table' | 'row'>;

/** What a `rows` job of a kind gets. */
export interface RowsContext {
  thread: ComputeThread;
  writer: ModelWriter;
  /** Per-process memo across this kind's row jobs (e.g. staged factors of the version), by key. */
  memo: Map<string, Promise<unknown>>;
  logger: Logger;
}

/** A scored movie as a serving reader returns it. */
export interface RankedMovie {
  movieId: number;
  /** Higher ranks first; the kind documents its unit (predicted stars, cosine, logit...). */
  score: number;
}

/**
 * A user as a scorer sees them: their ratings (a stored user's row, with any live ratings folded
 * in, or an anonymous visitor's list). `userId` is set for a user of the dataset, so a kind with
 * per-user state (stored factors) may use it while the row is the one it was trained on.
 */
export interface UserRow {
  /** Dataset user id; undefined for an anonymous visitor. */
  userId?: number;
  /** Rated movie ids (any order, no repeats). */
  movieIds: ArrayLike<number>;
  /** Stars of each rated movie, parallel to `movieIds`. */
  ratings: ArrayLike<number>;
  /** True when the row differs from the one the kind version was trained on (live ratings, a visitor). */
  changed: boolean;
}

/** One rated movie's share of a recommended movie's score. */
export interface Contribution {
  /** The rated movie. */
  movieId: number;
  /** Its share of the score, in the scorer's unit; larger contributes more. */
  weight: number;
}

/**
 * A ranking kind's model, loaded once per kind version by the API and kept in memory: it scores
 * every movie of its catalogue for any user row, so exclusion, filters, paging, anonymous
 * visitors and live ratings are served the same way for every kind (no stored top-N lists needed).
 */
export interface KindScorer {
  /** Movie ids the kind scores, ascending; `score` writes one value per id, in this order. */
  movieIds: Int32Array;
  /**
   * Scores of every movie in `movieIds` for `row` (higher ranks first), written to `out`
   * (length `movieIds.length`); returns false when the kind cannot score this user (no rating
   * of a movie it knows, say).
   */
  score(row: UserRow, out: Float32Array): boolean;
  /** The `top` rated movies of `row` that contribute most to `movieId`'s score, largest first. */
  explain?(row: UserRow, movieId: number, top: number): Contribution[];
  /** Bytes it holds (for the API's memory budget of loaded scorers). */
  bytes: number;
}

/** How the API serves a ranking kind under `GET /users/:id/recommendations?algorithm=<name>`. */
export interface KindRecommender {
  /** The `algorithm` value, e.g. `puresvd`, `mf`. */
  algorithm: string;
  /** What the score means, shown in the API reference. */
  scoreUnit: string;
  /**
   * The user's top `k` movies in set version `ver`, excluding `rated`; null when the user is
   * not in the kind's model. Reads through the store, which resolves where the kind's tables live.
   */
  recommend(store: ModelReads, ver: string, userId: number, k: number, rated: ReadonlySet<number>): Promise<RankedMovie[] | null>;
  /**
   * Loads the kind version's model for scoring any user row (see `KindScorer`); null when set
   * version `ver` has no version of this kind. Kinds that have it are served with filters,
   * paging, explanations and live ratings; `recommend` stays the fast path of stored lists.
   */
  scorer?(store: ModelReads, ver: string): Promise<KindScorer | null>;
}

/** One model kind. */
export interface ModelKind {
  /** Name by which it is stored, listed and served, e.g. `svd`. Lower case letters, digits, `-`. */
  name: string;
  /** One line for status output and the API reference. */
  summary: string;
  /** Its slice of the rebuild parameters, with defaults and doc comments (merged into `rebuildParamsSchema`). */
  params: z.ZodObject;
  /** Whether a build with `params` trains this kind (e.g. `mf: true`). Default: always. */
  enabled?(params: BuildParams): boolean;
  /** A served set needs it: none is served until it has one (e.g. `svd`). */
  required: boolean;
  /** Kinds whose version for the same dataset must be ready before this one trains. */
  dependsOn: readonly string[];
  /** Progress stages of its job, in order. */
  stages: readonly string[];
  /** The stage of each table its row jobs fill (progress while they run), e.g. `similar` -> `similarity`. */
  rowStages?: Readonly<Record<string, string>>;
  /**
   * Its stored form: the tables it writes under its kind version (`P:{m:<ver>}:<table>`,
   * sharded ones `P:{m:<ver>/<s>}:<table>`), with their layout in the kind's own file.
   */
  tables: readonly string[];
  /** Trains on the dataset and writes its tables. */
  train(ctx: KindContext): Promise<KindTrained>;
  /** Writes one block of rows of its sharded stage (the `rows` jobs `train` returned); returns the rows written. */
  writeRows?(ctx: RowsContext, job: RowsJobData): Promise<number>;
  /**
   * Multi-round row jobs (iALS: one round per half-iteration): called by the kind job once every
   * row job of `ctx.round` returned; returns the next round's row jobs (`round` = ctx.round + 1),
   * or null when the version is complete (then it is published). The kind job records the round
   * before adding its jobs, so this may run twice for the same round after a crash: it must be
   * idempotent. Without it, a kind has one round.
   */
  nextRound?(ctx: RoundContext): Promise<RowsJobData[] | null>;
  /**
   * Whole tables (not hash shards) a row job writes, so the writes of a job whose version was
   * abandoned meanwhile are deleted. Default: none.
   */
  rowTables?(job: RowsJobData): string[];
  /** The served set's fields this kind decides (only the required primary kind has most of them). */
  setFields?(meta: KindMeta): Partial<SetFields>;
  /** Serving as a ranking algorithm of `GET /users/:id/recommendations`. */
  recommender?: KindRecommender;
  /**
   * The same model as `movielens evaluate` fits it on a training split, with `params` (the
   * build parameters, defaults applied when omitted): model selection fits it once per grid point.
   */
  evaluation?(params?: BuildParams): Algorithm;
  /**
   * Model selection's grid: the one or two key parameters of the kind's slice and the values
   * tried (e.g. `{ easeLambda: [100, 250, 500, 1000] }`); kinds without one are not tuned.
   */
  tuning?: Readonly<Record<string, readonly number[]>>;
  /**
   * Whether the kind trains with the values model selection tuned for it (default true). False
   * keeps it competing in selection at its grid without retraining it: `svd`'s `k` also shapes
   * the served similar movies (the original method), which ranking NDCG does not measure.
   */
  trainsTuned?: boolean;
}
