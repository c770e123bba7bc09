import { describe, expect, it } from 'vitest';
import { RatingTableBuilder } from '../movielens/rating-table';
import { recentlyPopular } from './recently-popular';

/** A table from `[user, movie, stars, timestamp]` rows. */
function table(rows: [number, number, number, number][]) {
  const b = new RatingTableBuilder(4);
  rows.forEach(([u, m, r, t], i) => b.add(u, m, r, t, i + 1));
  return b.table();
}

describe('recentlyPopular', () => {
  it('counts only the newest share of the ratings, most counted first, ties by movie id', () => {
    // Ten ratings at t = 1..10; the newest 40% are t = 7..10.
    const rows: [number, number, number, number][] = [
      [1, 5, 4, 1], [2, 5, 4, 2], [3, 5, 4, 3], [4, 5, 4, 4], [5, 5, 4, 5], [6, 5, 4, 6],
      [1, 9, 3, 7], [2, 9, 3, 8], [3, 2, 5, 9], [4, 3, 5, 10],
    ];
    const recent = recentlyPopular(table(rows), { share: 0.4 })!;
    expect(recent).toEqual({ since: 7, until: 10, ratings: 4, movies: [{ movieId: 9, count: 2 }, { movieId: 2, count: 1 }, { movieId: 3, count: 1 }] });
    // Movie 5 has the most ratings in all, but none recently.
    expect(recent.movies.map((m) => m.movieId)).not.toContain(5);
    expect(recentlyPopular(table(rows), { share: 0.4, limit: 1 })!.movies).toEqual([{ movieId: 9, count: 2 }]);
  });

  it('is null for a table without ratings', () => {
    expect(recentlyPopular(table([]))).toBeNull();
  });
});
