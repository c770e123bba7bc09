/**
 * The fast path (truncated SVD by restarted Lanczos, blocked top-K) against an exact reference on the real
 * ML-100K ratings: ml-matrix's dense SVD of the same user-mean-centered 943 x 1682 matrix
 * (computed once for the file, ~20 s). The brief's acceptance bar: top-10 lists overlap >= 95%.
 */
import { SVD } from 'ml-matrix';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TruncatedSvd } from '../factorization/truncated-svd';
import { truncatedSvd } from '../factorization/truncated-svd';
import { foldIn } from '../recommend/fold-in';
import { recommendUsers } from '../recommend/recommend-users';
import type { RatingMatrix } from '../sparse/rating-matrix';
import { buildRatingMatrix } from '../sparse/rating-matrix';
import { denseOf, ML100K_SKIP, readMl100kRatings } from '../sparse/rating-table.fixtures';
import { movieVectors, topKSimilar } from './top-k-similar';

const table = readMl100kRatings();
if (table === undefined) console.warn(ML100K_SKIP);
const K = 50;

/** Mean share of common entries between two row-major lists of `width` per row, over `rows`. */
function meanOverlap(a: Int32Array, b: Int32Array, width: number, rows: number[]): number {
  let total = 0;
  for (const r of rows) {
    const x = new Set(a.subarray(r * width, r * width + width));
    let common = 0;
    for (const j of b.subarray(r * width, r * width + width)) if (x.has(j)) common++;
    total += common / width;
  }
  return total / rows.length;
}

describe.skipIf(table === undefined)('ML-100K against the exact dense SVD', () => {
  let ratings: RatingMatrix;
  let fast: TruncatedSvd;
  let exact: TruncatedSvd;

  beforeAll(() => {
    ratings = buildRatingMatrix(table!);
    fast = truncatedSvd(ratings.matrix);
    const svd = new SVD(denseOf(ratings.matrix), { autoTranspose: true });
    const { rows, cols } = ratings.matrix;
    const U = new Float64Array(rows * K);
    const V = new Float64Array(cols * K);
    for (let c = 0; c < K; c++) {
      for (let i = 0; i < rows; i++) U[i * K + c] = svd.leftSingularVectors.get(i, c);
      for (let j = 0; j < cols; j++) V[j * K + c] = svd.rightSingularVectors.get(j, c);
    }
    const S = Float64Array.from(svd.diagonal.slice(0, K));
    exact = { k: K, U, S, V, iterations: 0, matvecs: 0, converged: true, maxResidual: 0, explainedVariance: Number.NaN };
    // The dense reference takes ~20 s on an idle core, several times that on the shared machine.
  }, 600_000);

  it('finds the top 50 singular values to 1e-6 relative with default options', () => {
    expect(fast.converged).toBe(true);
    for (let c = 0; c < K; c++) expect(Math.abs(fast.S[c] - exact.S[c]) / exact.S[c]).toBeLessThan(1e-6);
    console.info(`ML-100K k=50: ${fast.iterations} iterations, explained variance ${fast.explainedVariance.toFixed(4)}`);
  });

  it('agrees with the exact top-10 similar movies on >= 95% of entries (movies with >= 20 ratings)', () => {
    const a = topKSimilar(movieVectors(fast.V, fast.S, K), { k: 10 });
    const b = topKSimilar(movieVectors(exact.V, exact.S, K), { k: 10 });
    const popular = [...ratings.movieCounts.keys()].filter((j) => ratings.movieCounts[j] >= 20);
    const overlap = meanOverlap(a.neighbours, b.neighbours, 10, popular);
    console.info(`similar-movie top-10 overlap: ${(overlap * 100).toFixed(2)}% over ${popular.length} movies`);
    expect(overlap).toBeGreaterThanOrEqual(0.95);
  });

  it('agrees with the exact top-10 recommendations on >= 95% of entries (all users)', () => {
    const a = recommendUsers(fast, ratings, { n: 10 });
    const b = recommendUsers(exact, ratings, { n: 10 });
    const users = Array.from({ length: ratings.matrix.rows }, (_, i) => i);
    const overlap = meanOverlap(a.movies, b.movies, 10, users);
    console.info(`recommendation top-10 overlap: ${(overlap * 100).toFixed(2)}% over ${users.length} users`);
    expect(overlap).toBeGreaterThanOrEqual(0.95);
  });

  it("folds in a real user's own ratings to that user's U row and top-10 list", () => {
    const factors = { movieIds: ratings.movieIds, k: K, V: fast.V, S: fast.S, globalMean: ratings.globalMean };
    const lists = recommendUsers(fast, ratings, { n: 10 });
    for (const user of [0, 100, 500, 942]) {
      const input = [];
      for (let p = ratings.matrix.indptr[user]; p < ratings.matrix.indptr[user + 1]; p++) {
        input.push({ movieId: ratings.movieIds[ratings.matrix.indices[p]], rating: ratings.matrix.values[p] + ratings.userMeans[user] });
      }
      const result = foldIn(factors, input, { n: 10 });
      // Converged to residual 1e-10 relative: A V = U Sigma to ~1e-8 per entry, so 1e-6 is safe.
      for (let c = 0; c < K; c++) expect(Math.abs(result.userVector[c] - fast.U[user * K + c])).toBeLessThan(1e-6);
      const expected = Array.from(lists.movies.subarray(user * 10, user * 10 + 10), (j) => ratings.movieIds[j]);
      expect(result.recommendations.map((r) => r.movieId)).toEqual(expected);
    }
  });
});
