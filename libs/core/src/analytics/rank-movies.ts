import type { MovieStats } from './movie-stats';

/** What `rankMovies` sorts by. */
export type RankBy = 'mean' | 'count' | 'gap' | 'std';

/** Options of `rankMovies` (typically straight from validated request parameters). */
export interface RankOptions {
  /**
   * `mean` rating, rating `count`, gender `gap` (women's mean - men's mean) or `std` (standard
   * deviation: the most divisive movies).
   */
  by: RankBy;
  /**
   * Minimum number of ratings; default 0 (no minimum). For `gap` it applies to women AND men
   * separately, so both means rest on at least this many ratings.
   */
  minCount?: number;
  /** `desc` (default: highest first; for `gap`, women rate higher) or `asc` (for `gap`: men rate higher). */
  direction?: 'asc' | 'desc';
  /** Maximum rows returned; default all. */
  limit?: number;
}

/** One ranked movie. */
export interface RankedMovie {
  /** MovieLens id. */
  movieId: number;
  /** Row of the movie in `MovieStats`. */
  index: number;
  /** The ranked quantity (stars for mean/gap/std, ratings for count). */
  value: number;
  /** Total number of ratings of the movie. */
  count: number;
}

/**
 * Ranks movies of a `MovieStats` table by one column, keeping only movies with at least
 * `minCount` ratings and a defined value (a movie without ratings has no mean). Ties are broken
 * by MovieLens id ascending, in both directions, so pages are stable.
 */
export function rankMovies(stats: MovieStats, options: RankOptions): RankedMovie[] {
  const { by, minCount = 0, direction = 'desc', limit = Number.POSITIVE_INFINITY } = options;
  const rows: RankedMovie[] = [];
  for (let i = 0; i < stats.movieIds.length; i++) {
    const count = stats.count[i];
    let value: number;
    if (by === 'gap') {
      if (stats.femaleCount[i] < minCount || stats.maleCount[i] < minCount) continue;
      value = stats.femaleMean[i] - stats.maleMean[i];
    } else {
      if (count < minCount) continue;
      value = by === 'count' ? count : by === 'mean' ? stats.mean[i] : stats.std[i];
    }
    if (Number.isNaN(value)) continue;
    rows.push({ movieId: stats.movieIds[i], index: i, value, count });
  }
  const sign = direction === 'asc' ? 1 : -1;
  rows.sort((a, b) => sign * (a.value - b.value) || a.movieId - b.movieId);
  return rows.length > limit ? rows.slice(0, limit) : rows;
}
