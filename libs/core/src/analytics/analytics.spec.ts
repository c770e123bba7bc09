import { describe, expect, it } from 'vitest';
import type { Movie, User } from '../movielens/types';
import { tableOf } from '../sparse/rating-table.fixtures';
import { computeGroupAnalytics } from './group-analytics';
import { computeMovieStats, HISTOGRAM_BINS } from './movie-stats';
import { rankMovies } from './rank-movies';

const users: User[] = [
  { id: 1, gender: 'F', age: 24, ageGroup: '18-24', occupation: 'artist', zip: null },
  { id: 2, gender: 'M', age: 30, ageGroup: '25-34', occupation: 'programmer', zip: null },
  { id: 3, gender: 'M', age: 12, ageGroup: 'Under 18', occupation: 'student', zip: null },
];
const movies: Movie[] = [
  { id: 10, title: 'A', year: 1990, genres: ['Drama'] },
  { id: 20, title: 'B', year: 1991, genres: ['Comedy', 'Drama'] },
  { id: 30, title: 'C', year: null, genres: ['Horror'] },
];
// Hand-made table: movie 10 rated 5, 3, 1 (mean 3, sample sd 2); movie 20 rated 4 by the woman and 2 by a man.
const table = tableOf([
  [1, 10, 5],
  [2, 10, 3],
  [3, 10, 1],
  [1, 20, 4],
  [2, 20, 2],
  [9, 40, 3.5],
]);

describe('computeMovieStats', () => {
  const stats = computeMovieStats(table, movies, users);

  it('lists catalogue and rated movies by id, with NaN (not 0) for undefined means', () => {
    expect(Array.from(stats.movieIds)).toEqual([10, 20, 30, 40]);
    expect(Array.from(stats.count)).toEqual([3, 2, 0, 1]);
    expect(stats.mean[0]).toBe(3);
    expect(stats.std[0]).toBeCloseTo(2, 12);
    expect(stats.mean[2]).toBeNaN();
    expect(stats.std[3]).toBeNaN();
  });

  it('splits counts and means by gender and bins ratings per half star', () => {
    expect([stats.femaleCount[1], stats.femaleMean[1], stats.maleCount[1], stats.maleMean[1]]).toEqual([1, 4, 1, 2]);
    expect(stats.maleMean[0]).toBe(2);
    // Movie 10: one rating each of 1, 3 and 5 stars -> bins 1, 5 and 9 (0.5-star bins).
    expect(Array.from(stats.histogram.subarray(0, HISTOGRAM_BINS))).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(stats.histogram[3 * HISTOGRAM_BINS + 6]).toBe(1);
  });
});

describe('rankMovies', () => {
  const stats = computeMovieStats(table, movies, users);

  it('ranks by mean with a minimum count, ties by id, and skips movies without a value', () => {
    expect(rankMovies(stats, { by: 'mean' }).map((r) => r.movieId)).toEqual([40, 10, 20]);
    expect(rankMovies(stats, { by: 'mean', minCount: 2 }).map((r) => [r.movieId, r.value])).toEqual([
      [10, 3],
      [20, 3],
    ]);
    expect(rankMovies(stats, { by: 'count', direction: 'asc', limit: 2 }).map((r) => r.movieId)).toEqual([30, 40]);
  });

  it('ranks the gender gap in both directions with the minimum applied to each gender', () => {
    // Movie 10: women 5, men (3 + 1) / 2 = 2 -> gap 3; movie 20: 4 - 2 = 2.
    expect(rankMovies(stats, { by: 'gap' }).map((r) => [r.movieId, r.value])).toEqual([
      [10, 3],
      [20, 2],
    ]);
    expect(rankMovies(stats, { by: 'gap', direction: 'asc' })[0].movieId).toBe(20);
    expect(rankMovies(stats, { by: 'gap', minCount: 2 })).toEqual([]);
    expect(rankMovies(stats, { by: 'std', minCount: 2 }).map((r) => r.movieId)).toEqual([10, 20]);
  });
});

describe('computeGroupAnalytics', () => {
  it('aggregates by gender, age group (youngest first), occupation and genre, JSON-safe', () => {
    const g = computeGroupAnalytics(table, movies, users);
    expect(g.totalRatings).toBe(6);
    expect(g.globalMean).toBeCloseTo(18.5 / 6, 12);
    expect(g.byGender).toEqual([
      { group: 'F', count: 2, mean: 4.5 },
      { group: 'M', count: 3, mean: 2 },
    ]);
    expect(g.byAgeGroup.map((s) => s.group)).toEqual(['Under 18', '18-24', '25-34']);
    expect(g.byGenre).toEqual([
      { group: 'Comedy', count: 2, mean: 3 },
      { group: 'Drama', count: 5, mean: 3 },
      { group: 'Horror', count: 0, mean: null },
    ]);
    expect(g.distribution.find((d) => d.stars === 3.5)?.count).toBe(1);
    expect(JSON.parse(JSON.stringify(g))).toEqual(g);
  });
});
