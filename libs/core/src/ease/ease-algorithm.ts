import type { Algorithm } from '../evaluation/algorithm';
import { compactRows, EASE_DEFAULT_LAMBDA, fitEase, scoreEase } from './ease';

/**
 * EASE as `movielens evaluate` fits it: B from the training split's ratings (every rating an
 * interaction), a user's scores the sum of B's rows of their rated movies. A ranking model: it
 * predicts no stars, so `predict` returns the training mean (its RMSE row is the global mean's).
 *
 * @param lambda - L2 penalty; default 500
 * @param name - result row name; default `ease`
 */
export function easeAlgorithm(lambda = EASE_DEFAULT_LAMBDA, name = 'ease'): Algorithm {
  return {
    name,
    fit({ data }) {
      const movies = data.movieIds.length;
      const rows = compactRows(data.userIds.length, movies, data.userStart, data.movies);
      const weights = fitEase(rows, { lambda });
      return {
        predict: () => data.mean,
        scoreAll(user, out) {
          scoreEase(weights, movies, data.movies.subarray(data.userStart[user], data.userStart[user + 1]), out);
        },
      };
    },
  };
}
