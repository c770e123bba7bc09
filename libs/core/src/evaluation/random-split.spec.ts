import { describe, expect, it } from 'vitest';
import { table as tableOf } from '../movielens/rating-table.fixtures';
import { randomValidationSplit } from './model-selection';

// The random validation split on 3 users with 1, 5 and 20 ratings (movie = row, so each rating is
// identifiable): expected held-out counts are ceil(n x 10%) for n >= 2 (1 and 2), none for the
// single rating, and train + test is a partition of the input.

const rows: [number, number, number, number][] = [[1, 1, 4, 10]];
for (let i = 0; i < 5; i++) rows.push([2, 100 + i, 3, 10 + i]);
for (let i = 0; i < 20; i++) rows.push([3, 200 + i, 5, 100 - i]);
const movies = (t: { length: number; movies: Int32Array }) => Array.from(t.movies.subarray(0, t.length));

describe('randomValidationSplit', () => {
  it('holds out ceil(10%) of each user with two or more ratings, at random, partitioning the ratings', () => {
    const split = randomValidationSplit(tableOf(rows), 0.1, 5);
    const heldOf = (u: number) => Array.from(split.test.users.subarray(0, split.test.length)).filter((x) => x === u).length;
    expect([heldOf(1), heldOf(2), heldOf(3)]).toEqual([0, 1, 2]);
    expect([...movies(split.train), ...movies(split.test)].sort((a, b) => a - b)).toEqual(rows.map((r) => r[1]).sort((a, b) => a - b));
    expect(randomValidationSplit(tableOf(rows), 0.1, 5)).toEqual(split);
    // Not the latest by time (user 3's latest are its first rows): over seeds, other rows are drawn too.
    const drawn = new Set([1, 2, 3, 4, 5, 6, 7, 8].flatMap((seed) => movies(randomValidationSplit(tableOf(rows), 0.1, seed).test)));
    expect(drawn.size).toBeGreaterThan(6);
  });
});
