import { HISTOGRAM_BINS } from '@movielens/core';
import { describe, expect, it } from 'vitest';
import { packColumns, unpackColumns } from './model-codec';
import { completeMovieStats, decodeMovieStats, hasMovieStatsColumns } from './movie-stats.table';
import { CorruptRecordError } from './stored-json';

/** A movie-stats table as written, then read back through the column codec (as ModelStore reads it). */
const stored = (columns: Parameters<typeof packColumns>[0]) => unpackColumns(packColumns(columns));

describe('decodeMovieStats', () => {
  it('reads a current build: every column, in its MovieStats type', () => {
    const t = decodeMovieStats(
      stored({
        movieIds: Int32Array.of(1, 2),
        count: Int32Array.of(3, 0),
        mean: Float64Array.of(4, Number.NaN),
        std: Float64Array.of(0.5, Number.NaN),
        histogram: new Int32Array(2 * HISTOGRAM_BINS).fill(1),
        femaleCount: Int32Array.of(1, 0),
        femaleMean: Float64Array.of(5, Number.NaN),
        maleCount: Int32Array.of(2, 0),
        maleMean: Float64Array.of(3.5, Number.NaN),
      }),
      'stats',
    );
    expect(hasMovieStatsColumns(t, 'count', 'mean', 'std', 'histogram', 'femaleCount', 'femaleMean', 'maleCount', 'maleMean')).toBe(true);
    expect(t.count).toBeInstanceOf(Int32Array);
    expect([...t.maleMean!]).toEqual([3.5, Number.NaN]);
  });

  it('reads an older build: plural spellings converted to their types, absent columns undefined and filled by completeMovieStats', () => {
    const t = decodeMovieStats(stored({ movieIds: Int32Array.of(5, 7, 9), counts: Float64Array.of(2, 1, 0), means: Float32Array.of(3.5, 2, Number.NaN) }), 'stats');
    expect(t.count).toEqual(Int32Array.of(2, 1, 0));
    expect(t.mean).toEqual(Float64Array.of(3.5, 2, Number.NaN));
    expect(t.std).toBeUndefined();
    expect(hasMovieStatsColumns(t, 'count', 'mean')).toBe(true);
    expect(hasMovieStatsColumns(t, 'count', 'std')).toBe(false);
    const full = completeMovieStats(t);
    expect(full.count).toBe(t.count);
    expect([...full.std]).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(full.histogram).toEqual(new Int32Array(3 * HISTOGRAM_BINS));
    expect([...full.femaleCount]).toEqual([0, 0, 0]);
  });

  it('refuses a column whose length is not the movie count, and movieIds of another type, with a CorruptRecordError', () => {
    expect(() => decodeMovieStats(stored({ movieIds: Int32Array.of(1, 2), count: Int32Array.of(3) }), 'the movie-stats table (K)')).toThrow(
      new CorruptRecordError('the movie-stats table (K): column count has 1 values for 2 movies (2 expected)'),
    );
    expect(() => decodeMovieStats(stored({ movieIds: Int32Array.of(1), histogram: new Int32Array(HISTOGRAM_BINS + 1) }), 't')).toThrow(/column histogram has 11 values for 1 movies \(10 expected\)/);
    expect(() => decodeMovieStats(stored({ movieIds: Float64Array.of(1) }), 't')).toThrow(CorruptRecordError);
  });
});
