import { describe, expect, it } from 'vitest';
import { frobeniusNormSquared, multiplyDenseRows, multiplyGram, multiplyVector, transpose } from './csr';
import { buildRatingMatrix } from './rating-matrix';
import { lowRankTable, tableOf } from './rating-table.fixtures';

describe('buildRatingMatrix', () => {
  // User 7 rates 4 and 2 (mean 3); user 3 rates 5 (mean 5); movie ids 50 and 10, in shuffled order.
  const m = buildRatingMatrix(tableOf([[7, 50, 4], [3, 10, 5], [7, 10, 2]]));

  it('maps ascending ids to dense indices and centers each row on the user mean', () => {
    expect(Array.from(m.userIds)).toEqual([3, 7]);
    expect(Array.from(m.movieIds)).toEqual([10, 50]);
    expect(Array.from(m.userMeans)).toEqual([5, 3]);
    expect(Array.from(m.movieCounts)).toEqual([2, 1]);
    expect(m.globalMean).toBeCloseTo(11 / 3, 12);
    expect(Array.from(m.matrix.indptr)).toEqual([0, 1, 3]);
    expect(Array.from(m.matrix.indices)).toEqual([0, 0, 1]);
    expect(Array.from(m.matrix.values)).toEqual([0, -1, 1]);
  });

  it('maps ids beyond the presence-table range (negative, or 2^24 and up) by sorting, with the same result', () => {
    const far = buildRatingMatrix(tableOf([[7 + 2 ** 24, 50, 4], [-3, 10, 5], [7 + 2 ** 24, 10, 2]]));
    expect(Array.from(far.userIds)).toEqual([-3, 7 + 2 ** 24]);
    expect(Array.from(far.matrix.indptr)).toEqual(Array.from(m.matrix.indptr));
    expect(Array.from(far.matrix.indices)).toEqual(Array.from(m.matrix.indices));
    expect(Array.from(far.matrix.values)).toEqual(Array.from(m.matrix.values));
  });

  it('allocates the CSR arrays in shared memory on request, with the same content', () => {
    const shared = buildRatingMatrix(tableOf([[7, 50, 4], [3, 10, 5], [7, 10, 2]]), { shared: true });
    for (const a of [shared.matrix.indptr, shared.matrix.indices, shared.matrix.values]) expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(shared.matrix.values)).toEqual(Array.from(m.matrix.values));
  });

  it('sorts every row by movie index and keeps the sum of each centered row at zero', () => {
    const big = buildRatingMatrix(lowRankTable(60, 80, 0.3, 3, 0.5, 2));
    const { indptr, indices, values } = big.matrix;
    for (let i = 0; i < big.matrix.rows; i++) {
      let sum = 0;
      for (let p = indptr[i]; p < indptr[i + 1]; p++) {
        if (p > indptr[i]) expect(indices[p]).toBeGreaterThan(indices[p - 1]);
        sum += values[p];
      }
      expect(Math.abs(sum)).toBeLessThan(1e-9);
    }
  });
});

describe('CSR kernels', () => {
  it('transposes (twice = identity) and multiplies like the dense definition', () => {
    const { matrix } = buildRatingMatrix(lowRankTable(25, 17, 0.4, 2, 0.5, 8));
    const t = transpose(matrix);
    expect(transpose(t)).toEqual(matrix);
    expect(frobeniusNormSquared(t)).toBeCloseTo(frobeniusNormSquared(matrix), 12);
    const x = Float64Array.from({ length: matrix.cols }, (_, j) => Math.cos(j));
    const y = new Float64Array(matrix.rows);
    multiplyVector(matrix, x, y);
    for (let i = 0; i < matrix.rows; i++) {
      let s = 0;
      for (let p = matrix.indptr[i]; p < matrix.indptr[i + 1]; p++) s += matrix.values[p] * x[matrix.indices[p]];
      expect(y[i]).toBeCloseTo(s, 12);
    }
    const z = new Float64Array(t.rows);
    multiplyVector(t, y, z);
    // <A x, A x> = <x, A^T A x>
    const lhs = y.reduce((s, v) => s + v * v, 0);
    const rhs = x.reduce((s, v, j) => s + v * z[j], 0);
    expect(rhs).toBeCloseTo(lhs, 9);
  });

  it('computes A^T A x in one pass and A X for a row-major block exactly like repeated mat-vecs', () => {
    const { matrix } = buildRatingMatrix(lowRankTable(41, 23, 0.5, 3, 0.5, 12));
    const t = transpose(matrix);
    const x = Float64Array.from({ length: matrix.cols }, (_, j) => Math.sin(j + 1));
    const y = new Float64Array(matrix.rows);
    const expected = new Float64Array(matrix.cols);
    multiplyVector(matrix, x, y);
    multiplyVector(t, y, expected);
    const gram = new Float64Array(matrix.cols).fill(Number.NaN); // overwritten, never accumulated into
    multiplyGram(matrix, x, gram);
    // Same sums in a different order: equal to rounding (|values| <= 4, 41 rows).
    for (let j = 0; j < matrix.cols; j++) expect(gram[j]).toBeCloseTo(expected[j], 10);

    const width = 5;
    const block = Float64Array.from({ length: matrix.cols * width }, (_, i) => Math.cos(i));
    const out = new Float64Array(matrix.rows * width).fill(Number.NaN);
    multiplyDenseRows(matrix, block, width, out);
    for (let c = 0; c < width; c++) {
      const column = Float64Array.from({ length: matrix.cols }, (_, j) => block[j * width + c]);
      multiplyVector(matrix, column, y);
      for (let i = 0; i < matrix.rows; i++) expect(out[i * width + c]).toBeCloseTo(y[i], 12);
    }
  });
});
