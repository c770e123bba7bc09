import { Matrix, SVD } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { buildRatingMatrix } from '../sparse/rating-matrix';
import { denseOf, lowRankTable, matrixOf, tableOf } from '../sparse/rating-table.fixtures';
import type { CsrMatrix } from '../sparse/csr';
import { truncatedSvd } from './truncated-svd';

/** Cosine of the largest principal angle between the column spaces of two orthonormal bases. */
function largestAngleCos(a: Matrix, b: Matrix): number {
  const s = new SVD(a.transpose().mmul(b), { computeLeftSingularVectors: false, computeRightSingularVectors: false });
  return Math.min(...s.diagonal);
}

function checkAgainstExact(matrix: CsrMatrix, k: number) {
  // Reference: ml-matrix's dense one-shot SVD (Golub-Kahan, as in JAMA), exact to rounding.
  const exact = new SVD(denseOf(matrix), { autoTranspose: true });
  const svd = truncatedSvd(matrix, { k });
  expect(svd.converged).toBe(true);
  for (let i = 0; i < k; i++) expect(Math.abs(svd.S[i] - exact.diagonal[i]) / exact.diagonal[i]).toBeLessThan(1e-6);
  const cosU = largestAngleCos(matrixOf(svd.U, matrix.rows, k), exact.leftSingularVectors.subMatrix(0, matrix.rows - 1, 0, k - 1));
  const cosV = largestAngleCos(matrixOf(svd.V, matrix.cols, k), exact.rightSingularVectors.subMatrix(0, matrix.cols - 1, 0, k - 1));
  expect(cosU).toBeGreaterThan(1 - 1e-6);
  expect(cosV).toBeGreaterThan(1 - 1e-6);
  return svd;
}

describe('truncatedSvd', () => {
  it('matches the exact dense SVD on a 300 x 200 sparse low-rank-plus-noise matrix with default options', () => {
    const { matrix } = buildRatingMatrix(lowRankTable(300, 200, 0.3, 8, 0.5, 3));
    const svd = checkAgainstExact(matrix, 20);
    expect(svd.k).toBe(20);
  });

  it('matches the exact dense SVD with the default k = 50 on an ML-100K-like 943 x 400 matrix', () => {
    const { matrix } = buildRatingMatrix(lowRankTable(943, 400, 0.06, 20, 0.8, 5));
    const svd = checkAgainstExact(matrix, 50);
    expect(svd.explainedVariance).toBeGreaterThan(0);
    expect(svd.explainedVariance).toBeLessThanOrEqual(1);
  });

  it('returns orthonormal factors and reproduces A V = U S for a converged run', () => {
    const { matrix } = buildRatingMatrix(lowRankTable(120, 90, 0.4, 4, 0.3, 9));
    const k = 10;
    const svd = truncatedSvd(matrix, { k });
    const U = matrixOf(svd.U, matrix.rows, k);
    const V = matrixOf(svd.V, matrix.cols, k);
    const gram = U.transpose().mmul(U);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expect(gram.get(i, j)).toBeCloseTo(i === j ? 1 : 0, 10);
    // Residual tolerance: with Ritz values settled to 1e-10, vectors are accurate to ~sqrt(1e-10) = 1e-5.
    const av = denseOf(matrix).mmul(V);
    for (let i = 0; i < matrix.rows; i++) for (let j = 0; j < k; j++) expect(av.get(i, j)).toBeCloseTo(U.get(i, j) * svd.S[j], 4);
  });

  it('stops at maxIterations on a flat spectrum and reports that it did not converge', () => {
    // Pure noise: singular values crowd together, the hard case for Krylov methods too. A tiny
    // basis (k + 2) and 5 cycles cannot reach 1e-10; the defaults must, within the cap.
    const { matrix } = buildRatingMatrix(lowRankTable(200, 150, 0.5, 1, 3, 11));
    const capped = truncatedSvd(matrix, { k: 40, oversampling: 2, maxIterations: 5 });
    expect(capped.iterations).toBe(5);
    expect(capped.converged).toBe(false);
    expect(capped.maxResidual).toBeGreaterThan(1e-10);
    const full = truncatedSvd(matrix, { k: 40 });
    expect(full.iterations).toBeLessThanOrEqual(100);
    expect(full.converged).toBe(true);
  });

  it('is deterministic for a seed and handles k larger than the matrix', () => {
    const { matrix } = buildRatingMatrix(lowRankTable(30, 12, 0.5, 2, 0.3, 4));
    const a = truncatedSvd(matrix, { k: 5, seed: 7 });
    const b = truncatedSvd(matrix, { k: 5, seed: 7 });
    expect(Array.from(a.U)).toEqual(Array.from(b.U));
    const big = truncatedSvd(matrix, { k: 50 });
    expect(big.k).toBe(12);
    expect(big.explainedVariance).toBeCloseTo(1, 9);
  });

  it('matches the exact dense SVD on a wide matrix (rows < cols: Lanczos on A A^T, factors swapped back)', () => {
    const { matrix } = buildRatingMatrix(lowRankTable(120, 260, 0.3, 6, 0.5, 21));
    expect(matrix.rows).toBeLessThan(matrix.cols);
    checkAgainstExact(matrix, 15);
  });

  it('returns orthonormal U and V when k exceeds the rank (zero singular values get orthogonal completions)', () => {
    // Every user rates movies 1..4 with one of two patterns: the centered matrix has rank <= 2.
    const rows: [number, number, number][] = [];
    for (let u = 1; u <= 30; u++) for (let m = 1; m <= 4; m++) rows.push([u, m, u % 2 === 0 ? m : 5 - ((m * 3) % 4)]);
    const { matrix } = buildRatingMatrix(tableOf(rows));
    const k = 4;
    const svd = truncatedSvd(matrix, { k });
    expect(svd.k).toBe(k);
    const exact = new SVD(denseOf(matrix), { autoTranspose: true });
    // Values match the dense SVD to rounding of the largest one (exact zeros come out ~1e-8 s_1 from
    // the Gram matrix's eps s_1^2 error, sqrt-ed).
    for (let i = 0; i < k; i++) expect(Math.abs(svd.S[i] - exact.diagonal[i])).toBeLessThan(1e-6 * exact.diagonal[0]);
    for (const [f, n] of [[svd.U, matrix.rows], [svd.V, matrix.cols]] as const) {
      const F = matrixOf(f, n, k);
      const gram = F.transpose().mmul(F);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) expect(gram.get(i, j)).toBeCloseTo(i === j ? 1 : 0, 10);
    }
  });
});
