import type { RatingTable } from '../movielens/types';

/**
 * Ratings re-keyed to dense indices and grouped by user: the training input of the
 * factorization models. Dense indices follow ascending MovieLens ids (index order == id order).
 */
export interface IndexedRatings {
  /** MovieLens user id of each dense user index, ascending. */
  userIds: Int32Array;
  /** MovieLens movie id of each dense movie index, ascending. */
  movieIds: Int32Array;
  /** Row pointers by user, length `userIds.length + 1`: user u's ratings are entries `userStart[u] .. userStart[u+1]-1`. */
  userStart: Int32Array;
  /** Dense movie index of each rating, grouped by user (input order kept within a user). */
  movies: Int32Array;
  /** Stars of each rating, same order as `movies`. */
  ratings: Float32Array;
  /** Mean of all ratings (stars). */
  mean: number;
  /** Smallest and largest rating seen (stars); predictions are clipped to this range. */
  minRating: number;
  maxRating: number;
}

/** Ids seen in the first `n` entries, sorted ascending, without repeats. */
export function distinctIds(ids: Int32Array, n: number): Int32Array {
  const sorted = ids.slice(0, n).sort();
  let w = 0;
  for (let r = 0; r < sorted.length; r++) if (r === 0 || sorted[r] !== sorted[r - 1]) sorted[w++] = sorted[r];
  return sorted.slice(0, w);
}

/** Dense index of `id` in the ascending array `ids` (binary search), or -1 when absent, like `Array.indexOf`. */
export function findIdIndex(ids: Int32Array, id: number): number {
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid];
    if (v === id) return mid;
    if (v < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * Groups a rating table by user on dense indices. O(n log n) for the id sort, O(n) after.
 * The table is expected to hold at most one rating per (user, movie); duplicates are kept as given.
 * Throws RangeError on an empty table: nothing can be trained from it.
 */
export function indexRatings(table: RatingTable): IndexedRatings {
  const n = table.length;
  if (n === 0) throw new RangeError('cannot index an empty rating table');
  const userIds = distinctIds(table.users, n);
  const movieIds = distinctIds(table.movies, n);
  const userStart = new Int32Array(userIds.length + 1);
  const userOf = new Int32Array(n);
  let sum = 0;
  let minRating = Infinity;
  let maxRating = -Infinity;
  for (let t = 0; t < n; t++) {
    const u = findIdIndex(userIds, table.users[t]);
    userOf[t] = u;
    userStart[u + 1]++;
    const r = table.ratings[t];
    sum += r;
    if (r < minRating) minRating = r;
    if (r > maxRating) maxRating = r;
  }
  for (let u = 0; u < userIds.length; u++) userStart[u + 1] += userStart[u];
  const next = userStart.slice(0, userIds.length);
  const movies = new Int32Array(n);
  const ratings = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    const p = next[userOf[t]]++;
    movies[p] = findIdIndex(movieIds, table.movies[t]);
    ratings[p] = table.ratings[t];
  }
  return { userIds, movieIds, userStart, movies, ratings, mean: sum / n, minRating, maxRating };
}
