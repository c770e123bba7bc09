import type { RatingTable } from '../movielens/types';
import { ratingLevel } from './layout';

/**
 * Every user's ratings as one time-ordered sequence of dense movie indices, stored CSR-style:
 * user u's movies are `items[offsets[u] .. offsets[u+1])`, oldest first. Ties in timestamp
 * (common: MovieLens records whole rating sessions in the same second) keep the table's
 * row order, so the result is deterministic.
 */
export interface UserSequences {
  /** Original user id per dense user index. */
  userIds: Int32Array;
  /** numUsers + 1 offsets into `items` / `rows`. */
  offsets: Int32Array;
  /** Dense movie index per position. */
  items: Int32Array;
  /** Row of the rating table per position (to recover ratings, timestamps, or to split). */
  rows: Int32Array;
  /** Rating level per position (`ratingLevel` of its stars: 1..10 = 0.5..5 stars), what a rating-reading LSTM is fed with the movie. */
  levels: Uint8Array;
  /** Original movie id per dense movie index, ascending. */
  movieIds: Int32Array;
}

/**
 * Groups a rating table by user and orders each user's ratings by timestamp.
 * O(n log n) in the longest user's history; no per-rating objects.
 */
export function buildUserSequences(table: RatingTable): UserSequences {
  const n = table.length;
  const movieIds = distinctSorted(table.movies, n);
  const userIds = distinctSorted(table.users, n);
  const movieIndex = denseIndex(movieIds);
  const userIndex = denseIndex(userIds);
  const offsets = new Int32Array(userIds.length + 1);
  const userOf = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const u = userIndex.get(table.users[r]) as number;
    userOf[r] = u;
    offsets[u + 1]++;
  }
  for (let u = 0; u < userIds.length; u++) offsets[u + 1] += offsets[u];
  const cursor = offsets.slice(0, userIds.length);
  const rows = new Int32Array(n);
  for (let r = 0; r < n; r++) rows[cursor[userOf[r]]++] = r;
  const ts = table.timestamps;
  for (let u = 0; u < userIds.length; u++) {
    // Stable by construction: equal timestamps fall back to the row number.
    rows.subarray(offsets[u], offsets[u + 1]).sort((a, b) => ts[a] - ts[b] || a - b);
  }
  const items = new Int32Array(n);
  const levels = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    items[p] = movieIndex.get(table.movies[rows[p]]) as number;
    levels[p] = ratingLevel(table.ratings[rows[p]]);
  }
  return { userIds, offsets, items, rows, levels, movieIds };
}

/** Distinct values of the first `n` entries, ascending. */
function distinctSorted(values: Int32Array, n: number): Int32Array {
  const set = new Set<number>();
  for (let i = 0; i < n; i++) set.add(values[i]);
  return Int32Array.from(set).sort();
}

/** Maps each value to its position in `sorted`. */
export function denseIndex(sorted: Int32Array): Map<number, number> {
  const map = new Map<number, number>();
  for (let i = 0; i < sorted.length; i++) map.set(sorted[i], i);
  return map;
}
