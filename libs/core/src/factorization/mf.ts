/**
 * A trained biased matrix-factorization model and what is done with it: predict one rating,
 * rank every movie for a user. Training lives in `mf-train.ts`, (de)serialization in `mf-codec.ts`.
 *
 *   r_hat(u, i) = mu + b_u + b_i + p_u . q_i      (clipped to [minRating, maxRating])
 */
import { TopN } from '../linalg/top-n';

/** A trained biased MF model. */
export interface MfModel {
  /** Number of latent factors f (columns of P and Q). */
  factors: number;
  /** Global mean rating of the training set (stars). */
  mu: number;
  /** MovieLens user id of each user index (row of P), ascending. */
  userIds: Int32Array;
  /** MovieLens movie id of each movie index (row of Q), ascending. */
  movieIds: Int32Array;
  /** User bias b_u (stars), by user index. */
  userBias: Float32Array;
  /** Movie bias b_i (stars), by movie index. */
  movieBias: Float32Array;
  /** User factors, users x f, row-major. For SVD++ models the implicit term is already folded in. */
  P: Float32Array;
  /** Movie factors, movies x f, row-major. */
  Q: Float32Array;
  /** Smallest and largest training rating (stars): the clipping range of `predictMf`. */
  minRating: number;
  maxRating: number;
}

/**
 * Predicted rating (stars) of movie `movieIndex` by user `userIndex`, clipped to the training
 * rating range. Pass -1 for a user or movie unseen in training: its bias and factors count as 0,
 * so an unknown user gets mu + b_i and an unknown pair gets mu (as Surprise does).
 */
export function predictMf(model: MfModel, userIndex: number, movieIndex: number): number {
  let r = model.mu;
  if (userIndex >= 0) r += model.userBias[userIndex];
  if (movieIndex >= 0) r += model.movieBias[movieIndex];
  if (userIndex >= 0 && movieIndex >= 0) {
    const f = model.factors;
    const po = userIndex * f;
    const qo = movieIndex * f;
    for (let k = 0; k < f; k++) r += model.P[po + k] * model.Q[qo + k];
  }
  return r < model.minRating ? model.minRating : r > model.maxRating ? model.maxRating : r;
}

/**
 * Ranking scores of every movie for one user: b_i + p_u . q_i (mu and b_u are the same for
 * every movie, so they are left out; the order is that of the predicted ratings before
 * clipping). Writes `out[movieIndex]`, length = number of movies; allocates nothing.
 */
export function scoreAllMf(model: MfModel, userIndex: number, out: Float64Array): void {
  const f = model.factors;
  const { P, Q, movieBias } = model;
  const po = userIndex * f;
  for (let i = 0, qo = 0; i < movieBias.length; i++, qo += f) {
    let s = movieBias[i];
    for (let k = 0; k < f; k++) s += P[po + k] * Q[qo + k];
    out[i] = s;
  }
}

/** One recommended movie: its index and ranking score. */
export interface ScoredMovie {
  /** Movie index (row of Q); `model.movieIds[movieIndex]` is the MovieLens id. */
  movieIndex: number;
  /** Ranking score (b_i + p_u . q_i), higher is better. */
  score: number;
}

/**
 * The `n` best movies for a user, best first, skipping movie indices in `exclude` (typically
 * the movies the user already rated). Ties are broken by movie index ascending (= id order).
 * O(movies x f + movies log n).
 */
export function recommendMf(model: MfModel, userIndex: number, exclude: Iterable<number>, n: number): ScoredMovie[] {
  const scores = new Float64Array(model.movieIds.length);
  scoreAllMf(model, userIndex, scores);
  for (const m of exclude) scores[m] = Number.NaN;
  const top = new TopN(n);
  for (let i = 0; i < scores.length; i++) top.offer(i, scores[i]);
  const indices = new Int32Array(n);
  const best = new Float64Array(n);
  top.drainInto(indices, best, 0);
  const out: ScoredMovie[] = [];
  for (let k = 0; k < n && indices[k] >= 0; k++) out.push({ movieIndex: indices[k], score: best[k] });
  return out;
}
