import { HISTOGRAM_BINS, type MovieStats } from '@movielens/core';
import type { ColumnTable, NumericColumn } from '@movielens/store';

/** The first column present under any of `names` (the compute step has used singular and plural names). */
function column(table: ColumnTable, ...names: string[]): NumericColumn | undefined {
  for (const n of names) if (table[n] !== undefined) return table[n];
  return undefined;
}

function asInt(c: NumericColumn | undefined, n: number): Int32Array {
  return c instanceof Int32Array ? c : c === undefined ? new Int32Array(n) : Int32Array.from(c);
}

function asFloat(c: NumericColumn | undefined, n: number): Float64Array {
  return c instanceof Float64Array ? c : c === undefined ? new Float64Array(n).fill(Number.NaN) : Float64Array.from(c);
}

/**
 * Reads the model's stored `movie-stats` columns as the core `MovieStats` shape, so
 * `rankMovies` runs on them unchanged. Columns a model lacks (an older build without
 * per-gender or spread columns) come back as NaN means and zero counts, which `rankMovies`
 * leaves out; {@link hasColumns} tells the routes to answer 404 instead.
 */
export function toMovieStats(table: ColumnTable): MovieStats {
  const movieIds = asInt(table.movieIds, 0);
  const n = movieIds.length;
  return {
    movieIds,
    count: asInt(column(table, 'count', 'counts'), n),
    mean: asFloat(column(table, 'mean', 'means'), n),
    std: asFloat(column(table, 'std', 'stds'), n),
    histogram: asInt(column(table, 'histogram'), n * HISTOGRAM_BINS),
    femaleCount: asInt(column(table, 'femaleCount'), n),
    femaleMean: asFloat(column(table, 'femaleMean'), n),
    maleCount: asInt(column(table, 'maleCount'), n),
    maleMean: asFloat(column(table, 'maleMean'), n),
  };
}

/** True when the stored table has every named column (in either spelling). */
export function hasColumns(table: ColumnTable, ...names: string[]): boolean {
  return names.every((n) => column(table, n, `${n}s`) !== undefined);
}
