import { describe, expect, it } from 'vitest';
import { truncatedSvd } from '../factorization/truncated-svd';
import { buildRatingMatrix } from '../sparse/rating-matrix';
import { lowRankTable } from '../sparse/rating-table.fixtures';
import { pureSvdContributions, pureSvdRowScores, rowCentre } from './pure-svd-row';

describe('pureSvdRowScores', () => {
  it('matches a hand-computed 3-movie, k = 1 case', () => {
    // V = [1, 2, -1]^T, row: movie 0 at 5 stars, movie 2 at 3, mean 4:
    // w = (5-4)*1 + (3-4)*(-1) = 2; scores = 4 + 2 * [1, 2, -1] = [6, 8, 2].
    const out = new Float64Array(3);
    pureSvdRowScores(Float64Array.of(1, 2, -1), 1, { movies: [0, 2], ratings: [5, 3] }, 4, out);
    expect(Array.from(out)).toEqual([6, 8, 2]);
  });

  it('gives back mean + U_u S V_j of a training user of the truncated SVD (A V = U S)', () => {
    const table = lowRankTable(40, 60, 0.3, 4, 0.4, 5);
    const rm = buildRatingMatrix(table);
    const svd = truncatedSvd(rm.matrix, { k: 8 });
    const u = 7;
    const from = rm.matrix.indptr[u];
    const to = rm.matrix.indptr[u + 1];
    const row = { movies: rm.matrix.indices.subarray(from, to), ratings: Array.from(rm.matrix.values.subarray(from, to), (c) => c + rm.userMeans[u]) };
    const out = new Float64Array(rm.matrix.cols);
    pureSvdRowScores(svd.V, svd.k, row, rm.userMeans[u], out);
    for (let j = 0; j < rm.matrix.cols; j++) {
      let s = rm.userMeans[u];
      for (let c = 0; c < svd.k; c++) s += svd.U[u * svd.k + c] * svd.S[c] * svd.V[j * svd.k + c];
      expect(out[j]).toBeCloseTo(s, 8);
    }
  });
});

describe('pureSvdContributions', () => {
  it('splits score - mean into one term per rated movie (hand case above: movie 1 gets 1*2 + (-1)*(-2))', () => {
    const c = pureSvdContributions(Float64Array.of(1, 2, -1), 1, { movies: [0, 2], ratings: [5, 3] }, 4, 1);
    expect(Array.from(c)).toEqual([2, 2]);
  });
});

describe('rowCentre', () => {
  it('is the row mean with spread, the global mean without', () => {
    expect(rowCentre([5, 3, 4], 3.5)).toBe(4);
    expect(rowCentre([5, 5], 3.5)).toBe(3.5);
    expect(rowCentre([], 3.5)).toBe(3.5);
  });
});
