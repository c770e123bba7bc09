/**
 * Helpers every `KindScorer` of a factor or item model shares: a `UserRow` (MovieLens ids) on
 * the kind's dense movie indices, and the largest contributions picked for `explain`.
 */
import { findIdIndex, type DenseRatingRow } from '@movielens/core';
import type { Contribution, UserRow } from './model-kind';

/** A user row on dense indices of `movieIds` (ascending ids); movies the kind does not know are left out. */
export interface DenseUserRow extends DenseRatingRow {
  movies: Int32Array;
  ratings: Float64Array;
  /** MovieLens id of each kept movie, parallel to `movies`. */
  movieIds: Int32Array;
}

/** `row` on the dense indices of `movieIds`; movies absent from `movieIds` are dropped. */
export function denseUserRow(movieIds: Int32Array, row: UserRow): DenseUserRow {
  const movies: number[] = [];
  const ratings: number[] = [];
  const ids: number[] = [];
  for (let p = 0; p < row.movieIds.length; p++) {
    const j = findIdIndex(movieIds, row.movieIds[p]);
    if (j < 0) continue;
    movies.push(j);
    ratings.push(row.ratings[p]);
    ids.push(row.movieIds[p]);
  }
  return { movies: Int32Array.from(movies), ratings: Float64Array.from(ratings), movieIds: Int32Array.from(ids) };
}

/**
 * The `top` rated movies with the largest positive weight, largest first (ties: smaller movie
 * id first). Movies that pull the score down are not reasons to recommend it, so they are left out.
 */
export function topContributions(movieIds: Int32Array, weights: Float64Array, top: number): Contribution[] {
  const out: Contribution[] = [];
  for (let p = 0; p < weights.length; p++) if (weights[p] > 0) out.push({ movieId: movieIds[p], weight: weights[p] });
  out.sort((a, b) => b.weight - a.weight || a.movieId - b.movieId);
  return out.slice(0, Math.max(0, top));
}
