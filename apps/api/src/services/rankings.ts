import type { ColumnTable } from '@movielens/store';
import type { ModelSnapshot } from './model-snapshot';

/** A ranked movie with the figures it was ranked by. */
export interface RankedMovie {
  movieId: number;
  title: string | null;
  /** Number of ratings. */
  count: number;
  /** Mean rating, stars. */
  mean: number;
  /** The ranked value (the column ranked by, or the gap). */
  value: number;
}

/** Options of {@link rankByColumn}. */
export interface RankOptions {
  /** Column of the stats table ranked by, e.g. `means`, `counts`, `stds`. */
  by: string;
  /** Movies with fewer ratings are left out. */
  minCount: number;
  limit: number;
}

/** Indices of the `limit` best rows by `value` (descending; ties by movie id ascending). */
function topRows(ids: ArrayLike<number>, keep: (i: number) => boolean, value: (i: number) => number, limit: number): number[] {
  const rows: number[] = [];
  for (let i = 0; i < ids.length; i++) if (keep(i)) rows.push(i);
  rows.sort((a, b) => value(b) - value(a) || ids[a] - ids[b]);
  return rows.slice(0, limit);
}

/**
 * Ranks movies by one column of the model's stats table, highest first, among movies with at
 * least `minCount` ratings. Computed at request time (the answer is then cached per model
 * version and parameters).
 */
export function rankByColumn(snap: ModelSnapshot, table: ColumnTable, { by, minCount, limit }: RankOptions): RankedMovie[] {
  const { movieIds, counts, means } = table;
  const column = table[by];
  return topRows(movieIds, (i) => counts[i] >= minCount, (i) => column[i], limit).map((i) => ({
    movieId: movieIds[i],
    title: snap.title(movieIds[i]),
    count: counts[i],
    mean: means[i],
    value: column[i],
  }));
}

/**
 * Movies women rate higher than men (`direction: 'women'`) or the reverse, by the gap of the
 * two genders' mean ratings, among movies with at least `minPerGender` ratings from each.
 */
export function rankGenderGap(snap: ModelSnapshot, table: ColumnTable, options: { direction: 'women' | 'men'; minPerGender: number; limit: number }): (RankedMovie & { meanWomen: number; meanMen: number })[] {
  const { movieIds, counts, means, meansF, meansM, countsF, countsM } = table;
  const sign = options.direction === 'women' ? 1 : -1;
  const keep = (i: number) => countsF[i] >= options.minPerGender && countsM[i] >= options.minPerGender;
  return topRows(movieIds, keep, (i) => sign * (meansF[i] - meansM[i]), options.limit).map((i) => ({
    movieId: movieIds[i],
    title: snap.title(movieIds[i]),
    count: counts[i],
    mean: means[i],
    value: meansF[i] - meansM[i],
    meanWomen: meansF[i],
    meanMen: meansM[i],
  }));
}
