/**
 * The analytics kind's `movie-stats` column table read back as core `MovieStats` columns. Only
 * `movieIds` is in every build: builds from before the spread and per-gender columns lack
 * `std`, `histogram` and the `female*` / `male*` columns, and the oldest spell `count`, `mean`
 * and `std` in the plural. So the decoded type makes every other column optional, and readers
 * either check {@link hasMovieStatsColumns} or fill the gaps with {@link completeMovieStats}.
 */
import { HISTOGRAM_BINS, type MovieStats } from '@movielens/core';
import { columnOf, type ColumnTable, type NumericColumn } from './model-codec';
import { CorruptRecordError } from './stored-json';

/** A per-movie statistics column other than `movieIds`. */
export type MovieStatsColumn = Exclude<keyof MovieStats, 'movieIds'>;

/**
 * Per-movie statistics as stored: `movieIds` (Int32, ascending) always; every other column of
 * core `MovieStats` only when the build that wrote it had that column, converted to its
 * `MovieStats` type and length-checked.
 */
export type MovieStatsTable = Pick<MovieStats, 'movieIds'> & Partial<Pick<MovieStats, MovieStatsColumn>>;

/**
 * Reads a decoded `movie-stats` column table as a {@link MovieStatsTable}: each column under its
 * name or an older spelling, converted to its `MovieStats` type when stored as another numeric
 * type; absent columns are left undefined.
 * @param what - names the table and its key in errors
 * @throws CorruptRecordError when `movieIds` is missing or not Int32, or a column's length is not the movie count (x `HISTOGRAM_BINS` for the histogram)
 */
export function decodeMovieStats(table: ColumnTable, what: string): MovieStatsTable {
  const movieIds = columnOf(table, 'movieIds', Int32Array, what);
  const stored = (names: string[], perMovie: number): NumericColumn | undefined => {
    const name = names.find((n) => table[n] !== undefined);
    if (name === undefined) return undefined;
    const want = movieIds.length * perMovie;
    if (table[name].length !== want) throw new CorruptRecordError(`${what}: column ${name} has ${table[name].length} values for ${movieIds.length} movies (${want} expected)`);
    return table[name];
  };
  const int = (names: string[], perMovie = 1): Int32Array | undefined => {
    const c = stored(names, perMovie);
    return c === undefined || c instanceof Int32Array ? c : Int32Array.from(c);
  };
  const float = (names: string[]): Float64Array | undefined => {
    const c = stored(names, 1);
    return c === undefined || c instanceof Float64Array ? c : Float64Array.from(c);
  };
  return {
    movieIds,
    count: int(['count', 'counts']),
    mean: float(['mean', 'means']),
    std: float(['std', 'stds']),
    histogram: int(['histogram'], HISTOGRAM_BINS),
    femaleCount: int(['femaleCount']),
    femaleMean: float(['femaleMean']),
    maleCount: int(['maleCount']),
    maleMean: float(['maleMean']),
  };
}

/** True when the table has every named column. */
export function hasMovieStatsColumns(table: MovieStatsTable, ...names: MovieStatsColumn[]): boolean {
  return names.every((n) => table[n] !== undefined);
}

/**
 * The table with its absent columns filled so core `rankMovies` runs on any build: zero counts
 * and NaN means and deviations, which rankings leave out. Check {@link hasMovieStatsColumns}
 * first where a missing column should be an answer of its own (404) rather than an empty list.
 */
export function completeMovieStats(table: MovieStatsTable): MovieStats {
  const n = table.movieIds.length;
  const ints = (c: Int32Array | undefined, length = n) => c ?? new Int32Array(length);
  const floats = (c: Float64Array | undefined) => c ?? new Float64Array(n).fill(Number.NaN);
  return {
    movieIds: table.movieIds,
    count: ints(table.count),
    mean: floats(table.mean),
    std: floats(table.std),
    histogram: ints(table.histogram, n * HISTOGRAM_BINS),
    femaleCount: ints(table.femaleCount),
    femaleMean: floats(table.femaleMean),
    maleCount: ints(table.maleCount),
    maleMean: floats(table.maleMean),
  };
}
