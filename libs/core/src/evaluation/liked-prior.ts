/**
 * The liked prior: a ranking kind scores how likely a user is to rate a movie, while a
 * recommendation should be a movie they will rate highly (the evaluation counts a held-out
 * movie as relevant at >= 4 stars). The prior adds what the movie's ratings say about that: its
 * mean rating shrunk toward the global mean, minus the global mean (stars). The kind's scores
 * for one user are standardized first (mean 0, standard deviation 1 over the catalogue), so one
 * weight `w` means the same for every kind:
 *
 *   score'(u, i) = (score(u, i) - mean_u) / sd_u + w * prior(i)
 *
 * `w` = 0 leaves the ranking unchanged. Model selection tunes `w` per kind without refitting
 * (LIKED_WEIGHTS), and the API applies the tuned weight when it serves the kind. On ML-100K
 * u1..u5, iALS's NDCG@10 goes from 0.398 to 0.405 at w = 0.5 (docs/EVALUATION.md).
 */
import type { IndexedRatings } from '../factorization/mf-data';
import type { FittedModel } from './algorithm';

/** Pseudo-ratings at the global mean that shrink a movie's mean: a movie with few ratings keeps a prior near 0. */
export const LIKED_SHRINK = 10;

/** The weights model selection tries for each fit (0 = the kind's own ranking). */
export const LIKED_WEIGHTS: readonly number[] = [0, 0.5, 1];

/** The prior of each movie from its rating count, mean and the global mean: (n mean + s g) / (n + s) - g. */
export function likedPriorOf(count: ArrayLike<number>, mean: ArrayLike<number>, globalMean: number): Float64Array {
  const prior = new Float64Array(count.length);
  for (let i = 0; i < prior.length; i++) {
    const n = count[i];
    prior[i] = n > 0 && Number.isFinite(mean[i]) ? (n * mean[i] + LIKED_SHRINK * globalMean) / (n + LIKED_SHRINK) - globalMean : 0;
  }
  return prior;
}

/** The prior of every training movie (dense index) from the training ratings. */
export function likedPrior(data: IndexedRatings): Float64Array {
  const m = data.movieIds.length;
  const sum = new Float64Array(m);
  const count = new Float64Array(m);
  for (let p = 0; p < data.movies.length; p++) {
    sum[data.movies[p]] += data.ratings[p];
    count[data.movies[p]]++;
  }
  const mean = sum.map((s, i) => (count[i] > 0 ? s / count[i] : 0));
  return likedPriorOf(count, mean, data.mean);
}

/**
 * Standardizes one user's `scores` over the catalogue and adds `w` times the prior, in place
 * (see the file comment). Non-finite scores (movies left out) stay as they are and do not count
 * in the mean. `w` = 0 leaves `scores` untouched.
 */
export function applyLikedPrior(scores: Float32Array | Float64Array, prior: Float64Array, w: number): void {
  if (w === 0) return;
  let n = 0;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (!Number.isFinite(s)) continue;
    n++;
    sum += s;
    squares += s * s;
  }
  const mean = n > 0 ? sum / n : 0;
  const variance = n > 0 ? squares / n - mean * mean : 0;
  // A constant ranking (one distinct score) has nothing to standardize: the prior alone ranks.
  const scale = variance > 1e-24 ? 1 / Math.sqrt(variance) : 0;
  for (let i = 0; i < scores.length; i++) {
    if (Number.isFinite(scores[i])) scores[i] = (scores[i] - mean) * scale + w * prior[i];
  }
}

/** `model` with the liked prior of weight `w` applied to its rankings (its rating predictions unchanged). */
export function withLikedPrior(model: FittedModel, prior: Float64Array, w: number): FittedModel {
  if (w === 0) return model;
  return {
    predict: (user, movie) => model.predict(user, movie),
    scoreAll(user, out) {
      model.scoreAll(user, out);
      applyLikedPrior(out, prior, w);
    },
  };
}
