import { describe, expect, it } from 'vitest';
import { table as tableOf } from '../movielens/rating-table.fixtures';
import type { RatingTable } from '../movielens/types';
import type { Algorithm } from './algorithm';
import { selectModel, validationSplit } from './model-selection';

/** An algorithm that ranks movies by a fixed preference over ids (first = best). */
function fixedOrder(name: string, preference: number[]): Algorithm {
  return {
    name,
    fit: ({ data }) => ({
      predict: () => 3,
      scoreAll: (_user, out) => {
        for (let i = 0; i < out.length; i++) out[i] = -preference.indexOf(data.movieIds[i]);
      },
    }),
  };
}

const rows: [number, number, number, number][] = [
  [1, 10, 4, 1],
  [1, 20, 3, 2],
  [1, 30, 5, 5],
  [2, 30, 3, 0],
  [2, 20, 4, 1],
  [2, 40, 2, 2],
  [2, 10, 4, 3],
  [3, 20, 5, 9],
];

describe('validationSplit', () => {
  it("holds out each user's latest ratings (ceil of 10%, at least one) and keeps single-rating users in training", () => {
    const split = validationSplit(tableOf(rows));
    const pairs = (t: RatingTable) => Array.from({ length: t.length }, (_, i) => `${t.users[i]}:${t.movies[i]}`);
    expect(pairs(split.test)).toEqual(['1:30', '2:10']);
    expect(pairs(split.train).sort()).toEqual(['1:10', '1:20', '2:20', '2:30', '2:40', '3:20']);
  });

  it('holds out ceil(fraction x count) by time, ties by input order', () => {
    const many: [number, number, number, number][] = Array.from({ length: 11 }, (_, i) => [7, 100 + i, 4, i < 9 ? i : 50]);
    const split = validationSplit(tableOf(many));
    // 11 ratings: ceil(1.1) = 2 held out; the last two share time 50, both latest.
    expect(Array.from(split.test.movies.subarray(0, split.test.length))).toEqual([109, 110]);
  });
});

describe('selectModel', () => {
  it('scores NDCG@10 with full ranking on the held-out ratings >= 4 and picks the best (hand-computed)', () => {
    const split = validationSplit(tableOf(rows));
    // Held out: user 1 -> movie 30 (5 stars), user 2 -> movie 10 (4 stars); user 3 is not tested.
    // A ranks 30 > 10 > 40 > 20: user 1's unrated {30, 40} puts 30 first, user 2's {10}: NDCG 1 and 1.
    // B ranks 40 > 20 > 10 > 30: user 1 gets 30 second, 1/log2(3) = 0.63093; user 2: 1. Mean 0.81546.
    const result = selectModel(
      split,
      [
        { name: 'b', params: { x: 1 }, algorithm: fixedOrder('b', [40, 20, 10, 30]) },
        { name: 'a', params: { x: 2 }, algorithm: fixedOrder('a', [30, 10, 40, 20]) },
      ],
      { seed: 1, now: () => 0 },
    );
    expect(result.scores[0].ndcg).toBeCloseTo((1 / Math.log2(3) + 1) / 2, 12);
    expect(result.scores[1].ndcg).toBeCloseTo(1, 12);
    expect(result.best).toBe(1);
    expect(result.scores[1]).toMatchObject({ name: 'a', params: { x: 2 } });
  });

  it('breaks ties toward the earlier candidate', () => {
    const split = validationSplit(tableOf(rows));
    const same = [30, 10, 40, 20];
    const result = selectModel(split, [{ name: 'first', params: {}, algorithm: fixedOrder('first', same) }, { name: 'second', params: {}, algorithm: fixedOrder('second', same) }], { seed: 1, now: () => 0 });
    expect(result.best).toBe(0);
  });
});
