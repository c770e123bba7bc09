import type { IndexedRatings } from '../factorization/mf-data';
import type { RatingTable } from '../movielens/types';

/**
 * A fitted model as the evaluation sees it. Users and movies are the dense indices of the
 * training set (`IndexedRatings`); -1 stands for a user or movie unseen in training.
 */
export interface FittedModel {
  /** Predicted rating (stars) of `movie` by `user`; either may be -1 (unseen in training). */
  predict(user: number, movie: number): number;
  /**
   * Ranking scores of every training movie for a known user: higher ranks first. Writes
   * `out[movie]` for movie = 0 .. movies-1. Only the order matters, not the scale.
   */
  scoreAll(user: number, out: Float64Array): void;
}

/** What an algorithm gets to fit: the training table and the same ratings on dense indices. */
export interface TrainingData {
  table: RatingTable;
  data: IndexedRatings;
  /** Seed for randomized algorithms. */
  seed: number;
  /** Reports training progress as a fraction 0..1 (optional; for progress bars). */
  onProgress?: (fraction: number) => void;
}

/** A recommender algorithm compared by `crossValidate`. */
export interface Algorithm {
  /** Name used on the command line and in result rows, e.g. `puresvd`. */
  name: string;
  /** Trains on one split's training part. */
  fit(training: TrainingData): FittedModel;
}

/** Clamps a prediction to the training rating range, as Surprise does. */
export function clip(r: number, data: IndexedRatings): number {
  return r < data.minRating ? data.minRating : r > data.maxRating ? data.maxRating : r;
}
