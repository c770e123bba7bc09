import type { Movie, RatingTable, User } from '../movielens/types';
import { distinctSorted, idLookup } from '../sparse/id-index';

/** Histogram bins of `MovieStats.histogram`: half stars 0.5, 1, ..., 5 (1-5 releases use every other bin). */
export const HISTOGRAM_STARS: readonly number[] = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5];

/** Number of histogram bins per movie. */
export const HISTOGRAM_BINS = HISTOGRAM_STARS.length;

/** The histogram bin of a rating in stars (nearest half star, clamped to 0.5..5). */
export function histogramBin(stars: number): number {
  return Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.round(stars * 2) - 1));
}

/**
 * Per-movie statistics as parallel typed-array columns, one row per movie in ascending id order,
 * so the table can be stored in Redis as binary and ranked at request time with any minimum
 * count (`rankMovies`). Means and deviations are NaN where undefined (no ratings), never 0.
 */
export interface MovieStats {
  /** MovieLens id of each row, ascending: every movie of the catalogue or with a rating. */
  movieIds: Int32Array;
  /** Number of ratings. */
  count: Int32Array;
  /** Mean rating (stars); NaN when count = 0. */
  mean: Float64Array;
  /** Sample standard deviation (n - 1 denominator, like pandas' `std()`); NaN when count < 2. */
  std: Float64Array;
  /** `movies x HISTOGRAM_BINS` row-major rating counts per half-star bin (`HISTOGRAM_STARS`). */
  histogram: Int32Array;
  /** Ratings by women. */
  femaleCount: Int32Array;
  /** Mean rating by women (stars); NaN when femaleCount = 0. */
  femaleMean: Float64Array;
  /** Ratings by men. */
  maleCount: Int32Array;
  /** Mean rating by men (stars); NaN when maleCount = 0. */
  maleMean: Float64Array;
}

/**
 * Computes `MovieStats` in one pass over the ratings (two for the deviation, which is taken
 * around the final mean to avoid the cancellation of the sum-of-squares formula).
 * Ratings by users absent from `users` (or with unknown gender) count in the totals only.
 *
 * @param table - deduplicated ratings
 * @param movies - the catalogue; its movies appear even without ratings
 * @param users - demographics, for the per-gender columns
 */
export function computeMovieStats(table: RatingTable, movies: readonly Movie[], users: readonly User[]): MovieStats {
  // Every catalogue movie and every rated one, ascending; direct id tables instead of Maps.
  const all = new Int32Array(movies.length + table.length);
  movies.forEach((m, i) => (all[i] = m.id));
  all.set(table.movies.subarray(0, table.length), movies.length);
  const movieIds = distinctSorted(all);
  const rowOfId = idLookup(movieIds);
  const userRow = idLookup(users.map((u) => u.id));
  // 1 = F, 2 = M, 0 = unknown, by position in `users`.
  const genderCode = Int8Array.from(users, (u) => (u.gender === 'F' ? 1 : u.gender === 'M' ? 2 : 0));

  const n = movieIds.length;
  const count = new Int32Array(n);
  const sum = new Float64Array(n);
  const histogram = new Int32Array(n * HISTOGRAM_BINS);
  const femaleCount = new Int32Array(n);
  const femaleSum = new Float64Array(n);
  const maleCount = new Int32Array(n);
  const maleSum = new Float64Array(n);
  const rowOf = new Int32Array(table.length);
  for (let t = 0; t < table.length; t++) {
    const i = rowOfId(table.movies[t]);
    const r = table.ratings[t];
    rowOf[t] = i;
    count[i]++;
    sum[i] += r;
    histogram[i * HISTOGRAM_BINS + histogramBin(r)]++;
    const u = userRow(table.users[t]);
    const g = u < 0 ? 0 : genderCode[u];
    if (g === 1) {
      femaleCount[i]++;
      femaleSum[i] += r;
    } else if (g === 2) {
      maleCount[i]++;
      maleSum[i] += r;
    }
  }
  const mean = ratio(sum, count);
  const squares = new Float64Array(n);
  for (let t = 0; t < table.length; t++) {
    const d = table.ratings[t] - mean[rowOf[t]];
    squares[rowOf[t]] += d * d;
  }
  const std = new Float64Array(n);
  for (let i = 0; i < n; i++) std[i] = count[i] > 1 ? Math.sqrt(squares[i] / (count[i] - 1)) : Number.NaN;
  return {
    movieIds,
    count,
    mean,
    std,
    histogram,
    femaleCount,
    femaleMean: ratio(femaleSum, femaleCount),
    maleCount,
    maleMean: ratio(maleSum, maleCount),
  };
}

/** sum / count per entry, NaN where count = 0. */
function ratio(sum: Float64Array, count: Int32Array): Float64Array {
  return sum.map((s, i) => (count[i] > 0 ? s / count[i] : Number.NaN));
}
