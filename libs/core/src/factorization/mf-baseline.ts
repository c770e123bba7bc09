import type { IndexedRatings } from './mf-data';

/** Options of `fitBaseline`. Defaults are Surprise's BaselineOnly ALS defaults. */
export interface BaselineOptions {
  /** Regularization of the user biases (a count of pseudo-ratings at 0). Default 15. */
  regUser?: number;
  /** Regularization of the movie biases. Default 10. */
  regMovie?: number;
  /** Alternating passes. Default 10. */
  epochs?: number;
}

/** Regularized biases: r_hat(u, i) = mu + b_u + b_i. */
export interface Baseline {
  /** Global mean (stars). */
  mu: number;
  /** b_u by user index (stars). */
  userBias: Float64Array;
  /** b_i by movie index (stars). */
  movieBias: Float64Array;
}

/**
 * Fits user and movie biases by alternating least squares, as Surprise's BaselineOnly (Koren
 * 2010, eq. 2-3): b_u = sum(r - mu - b_i) / (regUser + |I_u|), then
 * b_i = sum(r - mu - b_u) / (regMovie + |U_i|), `epochs` times. Deterministic. O(epochs x ratings).
 */
export function fitBaseline(data: IndexedRatings, options: BaselineOptions = {}): Baseline {
  const { regUser = 15, regMovie = 10, epochs = 10 } = options;
  const users = data.userIds.length;
  const movies = data.movieIds.length;
  const mu = data.mean;
  const userBias = new Float64Array(users);
  const movieBias = new Float64Array(movies);
  const movieSum = new Float64Array(movies);
  const movieCount = new Float64Array(movies);
  for (let p = 0; p < data.movies.length; p++) movieCount[data.movies[p]]++;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let u = 0; u < users; u++) {
      let s = 0;
      const start = data.userStart[u];
      const end = data.userStart[u + 1];
      for (let p = start; p < end; p++) s += data.ratings[p] - mu - movieBias[data.movies[p]];
      userBias[u] = s / (regUser + end - start);
    }
    movieSum.fill(0);
    for (let u = 0; u < users; u++) {
      for (let p = data.userStart[u]; p < data.userStart[u + 1]; p++) {
        movieSum[data.movies[p]] += data.ratings[p] - mu - userBias[u];
      }
    }
    for (let i = 0; i < movies; i++) movieBias[i] = movieSum[i] / (regMovie + movieCount[i]);
  }
  return { mu, userBias, movieBias };
}
