import { fitBaseline } from '../factorization/mf-baseline';
import type { IndexedRatings } from '../factorization/mf-data';
import { type Algorithm, clip } from './algorithm';

/** Predicts the global mean for everything; ranks all movies equal (ties by id ascending). */
export const globalMean: Algorithm = {
  name: 'global-mean',
  fit({ data }) {
    return {
      predict: () => data.mean,
      scoreAll: (_user, out) => out.fill(0),
    };
  },
};

/** Per-movie rating count and mean (stars; the global mean for a movie without ratings). */
function movieStats(data: IndexedRatings): { count: Float64Array; mean: Float64Array } {
  const movies = data.movieIds.length;
  const count = new Float64Array(movies);
  const mean = new Float64Array(movies);
  for (let p = 0; p < data.movies.length; p++) {
    count[data.movies[p]]++;
    mean[data.movies[p]] += data.ratings[p];
  }
  for (let i = 0; i < movies; i++) mean[i] = count[i] > 0 ? mean[i] / count[i] : data.mean;
  return { count, mean };
}

/** Predicts the movie's mean rating (the global mean for an unseen movie) and ranks by `rankBy`. */
function movieMeanPredictor(name: string, rankBy: 'mean' | 'count'): Algorithm {
  return {
    name,
    fit({ data }) {
      const stats = movieStats(data);
      return {
        predict: (_user, movie) => (movie >= 0 ? stats.mean[movie] : data.mean),
        scoreAll: (_user, out) => out.set(stats[rankBy]),
      };
    },
  };
}

/**
 * Predicts and ranks by the movie's mean rating. Unshrunk on purpose: it shows why ranking by
 * raw means fails (movies with one 5-star rating win).
 */
export const movieMean: Algorithm = movieMeanPredictor('movie-mean', 'mean');

/** Ranks by number of ratings in training (most popular first); predicts the movie mean. */
export const popularity: Algorithm = movieMeanPredictor('popularity', 'count');

/**
 * mu + b_u + b_i with biases fitted by ALS as Surprise's BaselineOnly (reg_u 15, reg_i 10,
 * 10 epochs); ranks by b_i (b_u is constant within a user).
 */
export const baseline: Algorithm = {
  name: 'baseline',
  fit({ data }) {
    const b = fitBaseline(data);
    return {
      predict: (user, movie) => clip(b.mu + (user >= 0 ? b.userBias[user] : 0) + (movie >= 0 ? b.movieBias[movie] : 0), data),
      scoreAll: (_user, out) => out.set(b.movieBias),
    };
  },
};
