import { describe, expect, it } from 'vitest';
import { indexRatings } from '../factorization/mf-data';
import { allocateRatingTable } from '../movielens/packing';
import type { FittedModel } from './algorithm';
import { evaluateFold, evaluateRanking, groupTest } from './cross-validate';
import { applyLikedPrior, LIKED_SHRINK, likedPrior, likedPriorOf, withLikedPrior } from './liked-prior';

describe('the liked prior', () => {
  it('shrinks each mean toward the global mean by LIKED_SHRINK pseudo-ratings and centres it', () => {
    const prior = likedPriorOf([10, 0, 30], [5, 3, 2], 3);
    expect(LIKED_SHRINK).toBe(10);
    expect(prior[0]).toBeCloseTo((10 * 5 + 10 * 3) / 20 - 3, 12); // 1
    expect(prior[1]).toBe(0);
    expect(prior[2]).toBeCloseTo((30 * 2 + 10 * 3) / 40 - 3, 12); // -0.75
  });

  it('standardizes the scores, adds w x prior, and leaves non-finite scores and w = 0 alone', () => {
    const scores = Float64Array.of(1, 3, Number.NaN, 5);
    applyLikedPrior(scores, Float64Array.of(0, 1, 7, -1), 0.5);
    // mean 3, sd sqrt(8/3) over the three finite scores.
    const sd = Math.sqrt(8 / 3);
    expect(scores[0]).toBeCloseTo(-2 / sd, 12);
    expect(scores[1]).toBeCloseTo(0.5, 12);
    expect(scores[2]).toBeNaN();
    expect(scores[3]).toBeCloseTo(2 / sd - 0.5, 12);
    const same = Float64Array.of(1, 2);
    applyLikedPrior(same, Float64Array.of(3, 4), 0);
    expect(Array.from(same)).toEqual([1, 2]);
    // One distinct score: the prior alone ranks.
    const flat = Float64Array.of(2, 2, 2);
    applyLikedPrior(flat, Float64Array.of(0.1, 0.3, 0.2), 1);
    expect(Array.from(flat)).toEqual([0.1, 0.3, 0.2]);
  });

  it("ranks variants in one pass exactly as evaluateFold ranks each model wrapped by withLikedPrior", () => {
    // 4 users x 6 movies; user u rated movie m with stars 1 + (u * 7 + m * 3) % 5 when (u + m) % 3 !== 0.
    const rows: [number, number, number][] = [];
    for (let u = 1; u <= 4; u++) for (let m = 1; m <= 6; m++) if ((u + m) % 3 !== 0) rows.push([u, m, 1 + ((u * 7 + m * 3) % 5)]);
    const table = allocateRatingTable(rows.length);
    rows.forEach(([u, m, r], i) => {
      table.users[i] = u;
      table.movies[i] = m;
      table.ratings[i] = r;
    });
    table.length = rows.length;
    const data = indexRatings(table);
    const test = groupTest(table, data);
    // A model that ranks movies by index (a fixed order the prior can overturn).
    const model: FittedModel = { predict: () => 3, scoreAll: (_u, out) => out.forEach((_, i) => (out[i] = i * 0.01)) };
    const prior = likedPrior(data);
    // Scoring on the training rows would leave nothing unrated; rank with an empty training row set instead.
    const open = { ...data, userStart: new Int32Array(data.userStart.length) };
    const variants = evaluateRanking(model, open, test, [null, (s) => applyLikedPrior(s, prior, 5)]);
    for (const [v, w] of [[0, 0], [1, 5]] as const) {
      const direct = evaluateFold(withLikedPrior(model, prior, w), open, test, data.movieIds.length);
      expect(variants[v].ndcg).toBeCloseTo(direct.ndcg, 12);
      expect(variants[v].precision).toBeCloseTo(direct.precision, 12);
    }
    expect(variants[1].ndcg).not.toBeCloseTo(variants[0].ndcg, 6);
  });
});
