import { TopN } from '../linalg/top-n';

/** What fold-in needs from a rebuild; small enough for the API process to keep in memory. */
export interface FoldInFactors {
  /** MovieLens id of each dense movie index (row of V), ascending. */
  movieIds: Int32Array;
  /** Number of factors. */
  k: number;
  /** `movies x k` row-major right singular vectors. */
  V: Float64Array;
  /** Singular values, length k. */
  S: Float64Array;
  /** Mean of all ratings (stars), the baseline for users who only list liked movies. */
  globalMean: number;
}

/** One movie of the new user: a rating in stars, or no rating for "liked". */
export interface FoldInRating {
  /** MovieLens movie id. */
  movieId: number;
  /** Stars; omitted = the user likes the movie (see `FoldInOptions.likedRating`). */
  rating?: number;
}

/** Options of `foldIn`. */
export interface FoldInOptions {
  /** Recommendations returned; default 100. */
  n?: number;
  /** Stars assumed for a movie given without a rating; default 5 (top of the 1-5 scale). */
  likedRating?: number;
}

/** A folded-in user's latent vector and recommendations. */
export interface FoldInResult {
  /** u = r_centered V Sigma^-1 (length k): the row of U this user would have had. */
  userVector: Float64Array;
  /** The baseline added to every prediction (stars). */
  mean: number;
  /** Best unseen movies by predicted rating (stars), descending, ties by id ascending. */
  recommendations: { movieId: number; score: number }[];
  /** MovieLens ids of the input that the factors do not know (ignored), in input order. */
  unknownMovieIds: number[];
}

/**
 * PureSVD folding-in: places a user who was not in the rebuild into the latent space without
 * recomputing the SVD, then scores every movie they have not listed.
 *
 * The user's ratings are centered like the training rows: minus their own mean when they give
 * explicit ratings with some spread. A list of liked movies only (or ratings that are all equal)
 * carries no signal after subtracting its own mean, so it is centered at the global mean
 * instead: a liked movie counts as `likedRating` stars against an average user, i.e. well above
 * the mean. Then u = r_c V Sigma^-1 (the projection that gives back U_i for a training row, since
 * A V = U Sigma) and the prediction for movie j is mean + (u Sigma) . V_j = mean + (r_c V) . V_j.
 *
 * Unknown movie ids are ignored and reported; a later entry for the same movie replaces an
 * earlier one.
 */
export function foldIn(factors: FoldInFactors, input: FoldInRating[], options: FoldInOptions = {}): FoldInResult {
  const { movieIds, k, V, S, globalMean } = factors;
  const { likedRating = 5 } = options;
  const movieCount = movieIds.length;
  const n = Math.max(0, Math.min(options.n ?? 100, movieCount));

  const given = new Map<number, number>();
  const unknownMovieIds: number[] = [];
  for (const { movieId, rating } of input) {
    const j = indexOfId(movieIds, movieId);
    if (j < 0) unknownMovieIds.push(movieId);
    else given.set(j, rating ?? likedRating);
  }
  const explicit = input.filter((r) => r.rating !== undefined && indexOfId(movieIds, r.movieId) >= 0);
  const values = [...given.values()];
  const spread = values.length > 0 && Math.max(...values) > Math.min(...values);
  const mean =
    explicit.length > 0 && spread ? explicit.reduce((s, r) => s + (r.rating as number), 0) / explicit.length : globalMean;

  // r_c V, then u = (r_c V) / Sigma.
  const weighted = new Float64Array(k);
  for (const [j, rating] of given) {
    const centered = rating - mean;
    for (let c = 0; c < k; c++) weighted[c] += centered * V[j * k + c];
  }
  const userVector = weighted.map((x, c) => (S[c] > 0 ? x / S[c] : 0));

  const heap = new TopN(n);
  for (let j = 0; j < movieCount; j++) {
    if (given.has(j)) continue;
    let s = mean;
    for (let c = 0; c < k; c++) s += weighted[c] * V[j * k + c];
    heap.offer(j, s);
  }
  const indices = new Int32Array(n);
  const scores = new Float64Array(n);
  heap.drainInto(indices, scores, 0);
  const recommendations: { movieId: number; score: number }[] = [];
  for (let r = 0; r < n && indices[r] >= 0; r++) recommendations.push({ movieId: movieIds[indices[r]], score: scores[r] });
  return { userVector, mean, recommendations, unknownMovieIds };
}

/** Dense index of a MovieLens id by binary search over the ascending id list, or -1. */
function indexOfId(ids: Int32Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ids[mid] === id) return mid;
    if (ids[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
