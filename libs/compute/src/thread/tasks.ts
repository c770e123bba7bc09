/**
 * The CPU-heavy steps of a rebuild as self-contained tasks on typed arrays, run in the
 * compute thread (compute-thread.ts). Tasks take and return dense indices; mapping to
 * MovieLens ids happens in the caller.
 */
import {
  buildRatingMatrix,
  buildUserSequences,
  computeGroupAnalytics,
  computeMovieStats,
  computeUserStates,
  encodeMf,
  InputError,
  movieVectors,
  solveIalsBlock,
  recommendUsers,
  rp3betaRows,
  similarUsersRows,
  topKSimilar,
  trainLstm,
  trainEase,
  trainMf,
  transpose,
  type EaseModel,
  type EaseTimings,
  type GemmShare,
  type MfImplicit,
  type IalsBlockInput,
  type InteractionGraph,
  type SimilarUsersBlock,
  truncatedSvd,
  type MovieStats,
  type Movie,
  type RatingTable,
  type User,
} from '@movielens/core';
import type { MessagePort } from 'node:worker_threads';
import { ParallelGram } from './parallel-gram';

/** Matrix + SVD of a rating table. */
export interface FactorizeTask {
  kind: 'factorize';
  ratings: RatingTable;
  /** Factors requested. */
  k: number;
  /** Seed of the SVD's start vector (restarted Lanczos). */
  seed: number;
}

/** Everything the later steps need from the matrix and the SVD (dense indices throughout). */
export interface Factorization {
  userIds: Int32Array;
  movieIds: Int32Array;
  userMeans: Float64Array;
  movieCounts: Int32Array;
  /** Rated pattern of each user: CSR row pointers and movie indices (to exclude rated movies). */
  indptr: Int32Array;
  indices: Int32Array;
  /** Factors actually computed. */
  k: number;
  /** users x k, row-major. */
  U: Float64Array;
  S: Float64Array;
  /** movies x k, row-major. */
  V: Float64Array;
  iterations: number;
  explainedVariance: number;
  /** Gram-pass row blocks run by other compute threads (parallel-gram.ts); 0 when none helped. */
  helpedBlocks: number;
  /** Time of the matrix and SVD steps, ms. */
  timings: { matrix: number; svd: number };
}

/** Similar-movie lists of a block of movie rows: cosine of the rows of V * diag(S). */
export interface SimilarTask {
  kind: 'similar';
  /** movies x k, row-major. */
  V: Float64Array;
  S: Float64Array;
  k: number;
  counts: Int32Array;
  /** List length. */
  n: number;
  minCount: number;
  rowStart: number;
  rowEnd: number;
}

/** Recommendation lists of a block of users. */
export interface RecommendTask {
  kind: 'recommend';
  /** The block's rows of U, users x k. */
  U: Float64Array;
  means: Float64Array;
  /** The block's rated pattern (row pointers rebased to 0). */
  indptr: Int32Array;
  indices: Int32Array;
  /** movies x k, row-major. */
  V: Float64Array;
  S: Float64Array;
  k: number;
  n: number;
}

/** A block of ranked lists: row r holds `width` dense indices (-1 padded; score NaN there) and their scores. */
export interface ListBlock {
  ids: Int32Array;
  scores: Float32Array;
  width: number;
}

/** Per-movie statistics and the analytics tables. */
export interface AnalyticsTask {
  kind: 'analytics';
  ratings: RatingTable;
  movies: Movie[];
  users: User[];
}

/** Per-movie statistics (typed columns) and the analytics tables stored as JSON, by name. */
export interface AnalyticsTables {
  stats: MovieStats;
  tables: Record<string, unknown>;
  /** Compute time in the thread, ms. */
  ms: number;
}

/** Training of the Bayesian MF rating model (core `trainMf`, Gibbs sampling). */
export interface TrainMfTask {
  kind: 'train-mf';
  ratings: RatingTable;
  /** Gibbs samples averaged after the burn-in. */
  samples: number;
  /** Sweeps discarded first. Default 20 (core default). */
  burnIn?: number;
  /** Implicit-feedback terms of the sampler (core `MfGibbsOptions.implicit`). Default: the core's, `both`. */
  implicit?: MfImplicit;
  /** Seed of the sampler. */
  seed: number;
  /** Threads drawing each half-sweep, this compute thread included (core `MfGibbsOptions.threads`; the model does not depend on it). Default 1. */
  threads?: number;
}

/** A trained MF model as stored. */
export interface TrainedMf {
  /** core `encodeMf` bytes (table `mf`). */
  bytes: Uint8Array;
  users: number;
  movies: number;
  /** Columns of P and Q (factors x samples). */
  factors: number;
  /** Training time in the thread, ms. */
  ms: number;
}

/** Training of the next-movie LSTM (core `trainLstm`). */
export interface TrainLstmTask {
  kind: 'train-lstm';
  ratings: RatingTable;
  /** Passes over all users. */
  epochs: number;
  seed: number;
  /**
   * Training threads (core Hogwild over shared weights, started from this compute thread).
   * 1 is bit-reproducible for a seed; more vary slightly run to run. Default 1.
   */
  threads?: number;
}

/** Progress a task reports while it runs (posted back before its result). */
export interface TaskProgress {
  /** LSTM epochs finished so far, 1-based. */
  epoch: number;
  epochs: number;
}

/** A trained LSTM as stored: shape, movie ids, flat weights, and every user's final state. */
export interface TrainedLstm {
  numMovies: number;
  embeddingDim: number;
  hidden: number;
  /** Rows of the rating embedding (core lstm-v2); absent for a movies-only (lstm-v1) model. */
  ratingLevels?: number;
  movieIds: Int32Array;
  weights: Float32Array;
  /** Training time in the thread, ms. */
  ms: number;
  /** Original user id per dense user. */
  userIds: Int32Array;
  /** numUsers + 1 offsets into `items`. */
  offsets: Int32Array;
  /** Every user's rated movies as dense movie indices, oldest first (core buildUserSequences). */
  items: Int32Array;
  /** users x hidden, row-major: each user's hidden state after their whole history (core computeUserStates). */
  states: Float32Array;
  /** Time of the state pass in the thread, ms. */
  statesMs: number;
}

/** Training of EASE (core `trainEase`): the binary Gram matrix and the dense blocked solve. */
export interface TrainEaseTask {
  kind: 'train-ease';
  ratings: RatingTable;
  /** L2 penalty. */
  lambda: number;
  /** Most-rated movies kept; 0 keeps all. */
  topMovies: number;
}

/** A trained EASE model, its stage times (ms) and its whole time in the thread (ms). */
export interface TrainedEase extends EaseModel {
  timings: Partial<EaseTimings>;
  ms: number;
}

/** RP3beta's W rows [rowStart, rowEnd) (core `rp3betaRows`): top `neighbours` per movie. */
export interface Rp3betaRowsTask {
  kind: 'rp3beta-rows';
  /** The binary rating graph (arrays in shared memory: handed over without a copy). */
  graph: InteractionGraph;
  alpha: number;
  beta: number;
  neighbours: number;
  rowStart: number;
  rowEnd: number;
}

/** The `n` most similar users of users [rowStart, rowEnd) (core `similarUsersRows`). */
export interface SimilarUsersRowsTask {
  kind: 'similar-users-rows';
  /** The binary rating graph (arrays in shared memory: handed over without a copy). */
  graph: InteractionGraph;
  n: number;
  rowStart: number;
  rowEnd: number;
}

/** One block of an iALS half-iteration (core `solveIalsBlock`): the block's new factors, Float32 rows x k. */
export interface IalsBlockTask {
  kind: 'ials-block';
  /** The side's CSR and the other side's factors in shared memory (handed over without a copy). */
  input: IalsBlockInput;
}

/** Any task. */
export type ComputeTask = FactorizeTask | SimilarTask | RecommendTask | AnalyticsTask | TrainMfTask | TrainLstmTask | TrainEaseTask | Rp3betaRowsTask | SimilarUsersRowsTask | IalsBlockTask;

/** The result type of a task. */
export type TaskResult<T extends ComputeTask> = T extends FactorizeTask
  ? Factorization
  : T extends AnalyticsTask
    ? AnalyticsTables
    : T extends TrainMfTask
      ? TrainedMf
      : T extends TrainLstmTask
        ? TrainedLstm
        : T extends TrainEaseTask
          ? TrainedEase
          : T extends SimilarUsersRowsTask
            ? SimilarUsersBlock
            : T extends IalsBlockTask
              ? Float32Array
              : ListBlock;

/**
 * Runs a task (in the thread, or inline in tests) and returns its result. `peers`: ports to the
 * other compute threads of the process, asked to help with the SVD's Gram passes (none inline).
 * `report`: called with the progress of long tasks (LSTM epochs).
 */
export async function runTask(task: ComputeTask, peers: readonly MessagePort[] = [], report: (p: TaskProgress) => void = () => {}): Promise<unknown> {
  switch (task.kind) {
    case 'factorize': {
      return factorize(task, peers);
    }
    case 'similar': {
      const r = topKSimilar(movieVectors(task.V, task.S, task.k), { k: task.n, rowStart: task.rowStart, rowEnd: task.rowEnd, counts: task.counts, minCount: task.minCount });
      return { ids: r.neighbours, scores: r.scores, width: r.k } satisfies ListBlock;
    }
    case 'recommend': {
      const users = task.means.length;
      const movies = task.V.length / task.k;
      // The block as a matrix of its own: rows 0..users-1, the rated pattern only (values unused).
      const matrix = { rows: users, cols: movies, indptr: task.indptr, indices: task.indices, values: new Float64Array(0) };
      const r = recommendUsers({ k: task.k, U: task.U, S: task.S, V: task.V }, { matrix, userMeans: task.means }, { n: task.n });
      return { ids: r.movies, scores: r.scores, width: r.n } satisfies ListBlock;
    }
    case 'analytics': {
      return analytics(task);
    }
    case 'train-lstm': {
      const started = performance.now();
      const model = await trainLstm(task.ratings, { epochs: task.epochs, seed: task.seed, threads: task.threads ?? 1, onEpoch: (epoch) => report({ epoch: epoch + 1, epochs: task.epochs }) });
      const trained = performance.now();
      // One forward pass over every whole history, so that serving a known user is the output layer alone.
      const seqs = buildUserSequences(task.ratings);
      const { states } = computeUserStates(model, seqs);
      const result: TrainedLstm = {
        ...model.shape, movieIds: model.movieIds, weights: model.weights, ms: trained - started,
        userIds: seqs.userIds, offsets: seqs.offsets, items: seqs.items, states, statesMs: performance.now() - trained,
      };
      return result;
    }
    case 'train-mf': {
      return trainMfTask(task);
    }
    case 'train-ease': {
      const started = performance.now();
      const timings: Partial<EaseTimings> = {};
      // The other compute threads of the process take part of the solve's products when they are free (as in the SVD's Gram passes).
      const helpers = (share: GemmShare) => peers.forEach((peer) => peer.postMessage(share));
      const model = trainEase(task.ratings, { lambda: task.lambda, topMovies: task.topMovies, helpers }, timings);
      return { ...model, timings, ms: performance.now() - started } satisfies TrainedEase;
    }
    case 'rp3beta-rows': {
      return rp3betaRows(task.graph, { alpha: task.alpha, beta: task.beta, neighbours: task.neighbours }, task.rowStart, task.rowEnd) satisfies ListBlock;
    }
    case 'similar-users-rows': {
      return similarUsersRows(task.graph, task.n, task.rowStart, task.rowEnd);
    }
    case 'ials-block': {
      return solveIalsBlock(task.input);
    }
  }
}

/**
 * Builds the centered matrix and its truncated SVD. The SVD's Gram passes run in row blocks
 * that the `peers` threads help with when they are free (parallel-gram.ts); the factors are the
 * same bit for bit with or without them.
 */
export function factorize(task: FactorizeTask, peers: readonly MessagePort[] = []): Factorization {
  if (task.ratings.length === 0) throw new InputError('the dataset has no ratings: nothing to factorize');
  const t0 = performance.now();
  const m = buildRatingMatrix(task.ratings, { shared: true });
  const t1 = performance.now();
  // The SVD works on the Gram matrix of the smaller side (see truncatedSvd): g = A or A^T.
  const wide = m.matrix.rows < m.matrix.cols;
  const g = wide ? transpose(m.matrix, true) : m.matrix;
  const gram = new ParallelGram(g);
  let svd: ReturnType<typeof truncatedSvd>;
  try {
    for (const peer of peers) peer.postMessage(gram.share);
    svd = truncatedSvd(m.matrix, { k: task.k, seed: task.seed, transposed: wide ? g : undefined, gram: gram.apply });
  } finally {
    gram.finish();
  }
  const t2 = performance.now();
  return {
    userIds: m.userIds,
    movieIds: m.movieIds,
    userMeans: m.userMeans,
    movieCounts: m.movieCounts,
    indptr: m.matrix.indptr,
    indices: m.matrix.indices,
    k: svd.k,
    U: svd.U,
    S: svd.S,
    V: svd.V,
    iterations: svd.iterations,
    explainedVariance: svd.explainedVariance,
    helpedBlocks: gram.helpedBlocks,
    timings: { matrix: t1 - t0, svd: t2 - t1 },
  };
}

/**
 * Per-movie statistics (ranked at request time: top-rated, most-rated, divisive, gender gap)
 * and the group tables stored as JSON (names as served under /analytics and by the CLI).
 */
export function analytics(task: AnalyticsTask): AnalyticsTables {
  const started = performance.now();
  const stats = computeMovieStats(task.ratings, task.movies, task.users);
  const g = computeGroupAnalytics(task.ratings, task.movies, task.users);
  return {
    stats,
    tables: {
      summary: { totalRatings: g.totalRatings, globalMean: g.globalMean },
      distribution: g.distribution,
      'by-gender': g.byGender,
      'by-age': g.byAgeGroup,
      'by-occupation': g.byOccupation,
      'by-genre': g.byGenre,
    },
    ms: performance.now() - started,
  };
}

/** Trains the MF rating model and encodes it (the bytes travel back without a copy). */
export function trainMfTask(task: TrainMfTask): TrainedMf {
  if (task.ratings.length === 0) throw new InputError('the dataset has no ratings: nothing to train');
  const started = performance.now();
  const model = trainMf(task.ratings, { burnIn: task.burnIn ?? 20, samples: task.samples, seed: task.seed, threads: task.threads ?? 1, ...(task.implicit === undefined ? {} : { implicit: task.implicit }) });
  const bytes = encodeMf(model);
  return { bytes, users: model.userIds.length, movies: model.movieIds.length, factors: model.factors, ms: performance.now() - started };
}
