import { describe, expect, it } from 'vitest';
import { indexRatings } from '../factorization/mf-data';
import type { RatingTable } from '../movielens/types';
import type { FittedModel } from './algorithm';
import { crossValidate, evaluateFold, groupTest } from './cross-validate';
import { kFoldSplits } from './folds';
import { algorithmsByName, ALGORITHM_NAMES } from './registry';

function table(rows: [number, number, number][]): RatingTable {
  return {
    length: rows.length,
    users: Int32Array.from(rows, (r) => r[0]),
    movies: Int32Array.from(rows, (r) => r[1]),
    ratings: Float32Array.from(rows, (r) => r[2]),
    timestamps: new Uint32Array(rows.length),
  };
}

/*
 * Hand case: users 1 (A), 2 (B), 3 (C); movies 10, 20, 30, 40 (indices 0..3).
 * Train: A rated 10; B rated 20; C rated 10 and 20.
 * Test:  A: 20=5, 30=4, 40=2   B: 30=3   C: 40=4
 *
 * Stub predictions: A-20 4, A-30 4, A-40 3, B-30 3, C-40 2 -> errors -1, 0, 1, 0, -2:
 *   RMSE = sqrt(6/5) = 1.0954451, MAE = 4/5 = 0.8.
 * Stub ranking scores (same for every column the user did not rate in training):
 *   A: 10 .9 (trained, excluded), 20 .1, 30 .5, 40 .8 -> [40, 30, 20]; relevant {20, 30}:
 *      hits 2, P = 2/10, R = 1, DCG = 1/log2(3) + 1/log2(4) = 1.1309298, IDCG = 1 + 1/log2(3) = 1.6309298
 *      -> NDCG 0.6934264
 *   B: [10, 30, 40] (scores .3 .2 .1); no relevant item (30 = 3 stars): P = 0, skipped for R and NDCG.
 *   C: 30 .7, 40 .6 -> [30, 40]; relevant {40} at rank 2: P = 1/10, R = 1, NDCG = 1/log2(3) = 0.6309298.
 * Means: P = (0.2 + 0 + 0.1) / 3 = 0.1; R = 1; NDCG = (0.6934264 + 0.6309298) / 2 = 0.6621781.
 * Coverage: every movie appears in some list -> 4 of a catalogue of 5 given = 0.8.
 */
describe('evaluateFold', () => {
  const train = table([[1, 10, 3], [2, 20, 4], [3, 10, 5], [3, 20, 1]]);
  const test = table([[1, 20, 5], [1, 30, 4], [1, 40, 2], [2, 30, 3], [3, 40, 4]]);
  const data = indexRatings(train);
  const predictions: Record<string, number> = { '0:1': 4, '0:2': 4, '0:3': 3, '1:2': 3, '2:3': 2 };
  const rankScores = [
    [0.9, 0.1, 0.5, 0.8],
    [0.3, 0.9, 0.2, 0.1],
    [0.9, 0.9, 0.7, 0.6],
  ];
  const stub: FittedModel = {
    predict: (u, m) => predictions[`${u}:${m}`],
    scoreAll: (u, out) => out.set(rankScores[u]),
  };

  it('matches the hand-computed RMSE, MAE, precision, recall, NDCG and coverage', () => {
    // Movies 30 and 40 are unseen in training: map them onto the 4-movie index space of the stub.
    const grouped = groupTest(test, data);
    const movieIndex: Record<number, number> = { 10: 0, 20: 1, 30: 2, 40: 3 };
    const testRows = [[1, 20], [1, 30], [1, 40], [2, 30], [3, 40]];
    testRows.forEach(([, m], t) => (grouped.movies[t] = movieIndex[m]));
    const wide = { ...data, movieIds: Int32Array.from([10, 20, 30, 40]) };
    const m = evaluateFold(stub, wide, grouped, 5);
    expect(m.rmse).toBeCloseTo(Math.sqrt(1.2), 12);
    expect(m.mae).toBeCloseTo(0.8, 12);
    expect(m.precision).toBeCloseTo(0.1, 12);
    expect(m.recall).toBeCloseTo(1, 12);
    expect(m.ndcg).toBeCloseTo((1.1309298 / 1.6309298 + 0.6309298) / 2, 6);
    expect(m.coverage).toBeCloseTo(0.8, 12);
  });

  it('maps unseen test movies to -1 and sorts test rows by user', () => {
    const grouped = groupTest(test, data);
    expect(Array.from(grouped.users)).toEqual([0, 0, 0, 1, 2]);
    expect(Array.from(grouped.movies)).toEqual([1, -1, -1, -1, -1]);
  });
});

describe('crossValidate', () => {
  const grid = (): RatingTable => {
    const rows: [number, number, number][] = [];
    for (let u = 1; u <= 30; u++) for (let m = 1; m <= 25; m++) if ((u * 7 + m * 3) % 4 !== 0) rows.push([u, m, 1 + ((u + 2 * m) % 5)]);
    return table(rows);
  };

  it('gives identical metrics for the same seed and different MF metrics for another seed', () => {
    const run = (seed: number) => {
      const [row] = crossValidate(kFoldSplits(grid(), 2, seed), algorithmsByName(['mf']), { now: () => 0, seed });
      return [row.rmse, row.mae, row['precision@10'], row['ndcg@10'], row.coverage];
    };
    expect(run(4)).toEqual(run(4));
    expect(run(4)).not.toEqual(run(5));
  });

  it('returns one row per algorithm with finite metrics, in the requested order', () => {
    const splits = kFoldSplits(grid(), 2, 7);
    let clock = 0;
    const results = crossValidate(splits, algorithmsByName(ALGORITHM_NAMES), { now: () => (clock += 1), seed: 3 });
    expect(results.map((r) => r.algorithm)).toEqual([...ALGORITHM_NAMES]);
    for (const r of results) {
      for (const v of [r.rmse, r.mae, r['precision@10'], r['recall@10'], r['ndcg@10'], r.coverage]) expect(Number.isFinite(v)).toBe(true);
      expect(r.fitSeconds).toBeGreaterThan(0);
    }
  });
});
