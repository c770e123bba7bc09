/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): an item x item
 * weight matrix B in closed form from the binary user x movie matrix X,
 *
 *   P = (X^T X + lambda I)^-1,   B[i][j] = -P[i][j] / P[j][j]  (i != j),   B[j][j] = 0,
 *
 * and a user's score of movie j is the sum of row j's column over the movies they rated:
 * score(j) = sum_{i rated} B[i][j]. The solve is in Float64 (spd-inverse.ts); B is kept as
 * Float32 (what is stored and served: half the bytes, and scores need no more digits).
 */
import { InputError } from '../errors';
import type { RatingTable } from '../movielens/types';
import { distinctSorted, idLookup } from '../sparse/id-index';
import type { GemmShare } from './gemm-batch';
import { addLowerGram, type InteractionRows } from './gram';
import { SpdInverse } from './spd-inverse';

/** Options of `fitEase` and `trainEase`. */
export interface EaseOptions {
  /** L2 penalty added to the Gram matrix's diagonal (in co-occurrence counts). Default 500 (Steck's ML-20M value; also best on ML-100K here). */
  lambda?: number;
  /** Block size of the dense solve (even). Default 128. */
  block?: number;
  /** Hands the solve's share to helper threads (see `SpdInverseOptions.helpers`). Default: none, one thread. */
  helpers?: (share: GemmShare) => void;
}

/** Stage times of a fit, ms. */
export interface EaseTimings {
  gram: number;
  cholesky: number;
  inverse: number;
  product: number;
  weights: number;
}

/** A trained EASE model. */
export interface EaseModel {
  /** MovieLens id of each movie index, ascending. */
  movieIds: Int32Array;
  /** B, movies x movies, row-major Float32: row i holds movie i's weight towards every movie; diagonal 0. */
  weights: Float32Array;
  /** The penalty it was trained with. */
  lambda: number;
  /** Users with at least one kept movie, and their interactions. */
  users: number;
  interactions: number;
}

/** Default L2 penalty (see `EaseOptions.lambda`). */
export const EASE_DEFAULT_LAMBDA = 500;

/** Bytes the dense solve needs for `movies` movies (two Float64 matrices and scratch), and B (Float32): the kind's memory bound. */
export function easeBytes(movies: number): number {
  return SpdInverse.bytesFor(movies) + 4 * movies * movies;
}

/** Fits B on the interaction rows (dense movie indices `0 .. rows.cols-1`); `timings` receives the stage times, ms. */
export function fitEase(rows: InteractionRows, options: EaseOptions = {}, timings?: Partial<EaseTimings>): Float32Array {
  const lambda = options.lambda ?? EASE_DEFAULT_LAMBDA;
  if (!(lambda > 0)) throw new InputError(`EASE needs lambda > 0 (got ${lambda}): without it X^T X is singular for any movie rated by fewer users than movies`);
  const n = rows.cols;
  if (n === 0) return new Float32Array(0);
  let t = performance.now();
  const solver = new SpdInverse(n, { block: options.block, helpers: options.helpers });
  const a = solver.data;
  const s = solver.stride;
  addLowerGram(rows, a, s);
  for (let i = 0; i < n; i++) a[i * s + i] += lambda;
  const stages: Record<string, number> = { gram: performance.now() - t };
  solver.invert(stages);
  t = performance.now();
  // B[i][j] = -P[i][j] / P[j][j]: one division per column, not per entry.
  const scale = new Float64Array(n);
  for (let j = 0; j < n; j++) scale[j] = -1 / a[j * s + j];
  const weights = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) weights[i * n + j] = a[i * s + j] * scale[j];
    weights[i * n + i] = 0;
  }
  stages.weights = performance.now() - t;
  if (timings) Object.assign(timings, stages);
  return weights;
}

/** Options of `trainEase`. */
export interface TrainEaseOptions extends EaseOptions {
  /** Keep only the this many most-rated movies (ties: lower id first); 0 keeps all. Default 0. */
  topMovies?: number;
}

/**
 * Trains EASE on a rating table: every rating is an interaction, whatever its stars (as in
 * Steck's paper and the reference). With `topMovies`, ratings of other movies are dropped.
 */
export function trainEase(table: RatingTable, options: TrainEaseOptions = {}, timings?: Partial<EaseTimings>): EaseModel {
  if (table.length === 0) throw new InputError('the dataset has no ratings: nothing to train');
  const movieIds = keptMovies(table, options.topMovies ?? 0);
  const rows = interactionRows(table, movieIds);
  const weights = fitEase(rows, options, timings);
  return { movieIds, weights, lambda: options.lambda ?? EASE_DEFAULT_LAMBDA, users: rows.rows, interactions: rows.indptr[rows.rows] };
}

/** The ids of the `top` most-rated movies (all when `top` is 0 or at least the catalogue), ascending. */
export function keptMovies(table: RatingTable, top: number): Int32Array {
  const all = distinctSorted(table.movies, table.length);
  if (top <= 0 || top >= all.length) return all;
  const index = idLookup(all);
  const counts = new Int32Array(all.length);
  for (let t = 0; t < table.length; t++) counts[index(table.movies[t])]++;
  const order = Array.from(all.keys()).sort((x, y) => counts[y] - counts[x] || x - y);
  return Int32Array.from(order.slice(0, top).map((i) => all[i])).sort();
}

/** The table's users as sorted, deduplicated rows over the dense indices of `movieIds` (other movies dropped). */
function interactionRows(table: RatingTable, movieIds: Int32Array): InteractionRows {
  const movieIndex = idLookup(movieIds);
  const userIds = distinctSorted(table.users, table.length);
  const userIndex = idLookup(userIds);
  const indptr = new Int32Array(userIds.length + 1);
  const userOf = new Int32Array(table.length);
  const movieOf = new Int32Array(table.length);
  for (let t = 0; t < table.length; t++) {
    movieOf[t] = movieIndex(table.movies[t]);
    userOf[t] = userIndex(table.users[t]);
    if (movieOf[t] >= 0) indptr[userOf[t] + 1]++;
  }
  for (let u = 0; u < userIds.length; u++) indptr[u + 1] += indptr[u];
  const next = indptr.slice(0, userIds.length);
  const indices = new Int32Array(indptr[userIds.length]);
  for (let t = 0; t < table.length; t++) if (movieOf[t] >= 0) indices[next[userOf[t]]++] = movieOf[t];
  return compactRows(userIds.length, movieIds.length, indptr, indices);
}

/** Sorts each row and drops repeats and empty rows (a repeated rating would count a pair twice in the Gram matrix). */
export function compactRows(rows: number, cols: number, indptr: Int32Array, indices: Int32Array): InteractionRows {
  const outPtr = new Int32Array(rows + 1);
  const out = new Int32Array(indices.length);
  let w = 0;
  let r = 0;
  for (let u = 0; u < rows; u++) {
    const row = indices.slice(indptr[u], indptr[u + 1]).sort();
    const start = w;
    for (let p = 0; p < row.length; p++) if (p === 0 || row[p] !== row[p - 1]) out[w++] = row[p];
    if (w > start) outPtr[++r] = w;
  }
  return { rows: r, cols, indptr: outPtr.slice(0, r + 1), indices: out.slice(0, w) };
}

/**
 * Scores of every movie for a user who rated the movie indices `rated` (no repeats):
 * `out[j] = sum_{i in rated} B[i][j]` (`out` has one entry per movie, overwritten).
 */
export function scoreEase(weights: Float32Array, movies: number, rated: ArrayLike<number>, out: Float32Array | Float64Array): void {
  out.fill(0);
  for (let r = 0; r < rated.length; r++) {
    const base = rated[r] * movies;
    for (let j = 0; j < movies; j++) out[j] += weights[base + j];
  }
}
