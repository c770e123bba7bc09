import { describe, expect, it } from 'vitest';
import { ErrorAccumulator, rankingScores } from './metrics';

describe('ErrorAccumulator', () => {
  it('computes RMSE and MAE of a hand-checked set of errors', () => {
    // Errors -1, 0, 1, 0, -2: squares 1+0+1+0+4 = 6, RMSE = sqrt(6/5) = 1.0954451; |e| sum 4, MAE = 0.8.
    const acc = new ErrorAccumulator();
    for (const [p, a] of [[4, 5], [4, 4], [3, 2], [3, 3], [2, 4]]) acc.add(p, a);
    expect(acc.rmse()).toBeCloseTo(Math.sqrt(1.2), 12);
    expect(acc.mae()).toBeCloseTo(0.8, 12);
  });

  it('returns NaN when nothing was added (absent, not zero)', () => {
    expect(new ErrorAccumulator().rmse()).toBeNaN();
  });
});

describe('rankingScores', () => {
  it('scores a list with hits at ranks 2 and 4 by hand', () => {
    // ranked [3, 7, 1, 9], relevant {7, 9, 5} (5 is never ranked), k = 4.
    // hits 2 -> precision 2/4 = 0.5, recall 2/3.
    // DCG = 1/log2(3) + 1/log2(5) = 0.6309298 + 0.4306766 = 1.0616064
    // IDCG (3 relevant, k = 4) = 1 + 1/log2(3) + 1/log2(4) = 2.1309298 -> NDCG = 0.4981897
    const s = rankingScores([3, 7, 1, 9], (m) => m === 7 || m === 9 || m === 5, 3, 4);
    expect(s.precision).toBeCloseTo(0.5, 12);
    expect(s.recall).toBeCloseTo(2 / 3, 12);
    expect(s.ndcg).toBeCloseTo(1.0616064 / 2.1309298, 6);
  });

  it('gives NDCG 1 for an ideal list and divides precision by k even for a short list', () => {
    const s = rankingScores([5, 6, -1], (m) => m === 5 || m === 6, 2, 10);
    expect(s.ndcg).toBeCloseTo(1, 12);
    expect(s.recall).toBe(1);
    expect(s.precision).toBeCloseTo(0.2, 12);
  });

  it('returns NaN recall and NDCG for a user without relevant items', () => {
    const s = rankingScores([1, 2], () => false, 0, 10);
    expect(s.precision).toBe(0);
    expect(s.recall).toBeNaN();
    expect(s.ndcg).toBeNaN();
  });
});
