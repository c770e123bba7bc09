import { basisTimesSmall, combineBasis, norm, orthogonalizeAgainst, scale } from '../linalg/basis';
import type { SmallSvd } from '../linalg/jacobi-svd';
import { jacobiSvd } from '../linalg/jacobi-svd';
import { Random } from '../random';
import type { CsrMatrix } from '../sparse/csr';
import { frobeniusNormSquared, multiplyVector, transpose } from '../sparse/csr';

/** Options of `truncatedSvd`. */
export interface TruncatedSvdOptions {
  /** Number of singular triplets returned; default 50, capped at min(rows, cols). */
  k?: number;
  /**
   * Lanczos vectors kept beyond k (the working basis has k + oversampling vectors, capped at
   * min(rows, cols)); default max(k, 20), like ARPACK's ncv = 2k + 1. A larger basis needs fewer
   * restarts but costs more reorthogonalization per step.
   */
  oversampling?: number;
  /** Cap on restart cycles; default 100. The result reports whether it converged before. */
  maxIterations?: number;
  /**
   * Stop when every top-k Ritz triplet has residual ||A^T u - s v|| <= tolerance * s (relative);
   * default 1e-10. The residual bounds the singular value error (by residual^2 / gap, Wedin)
   * and the subspace angle (by residual / gap), so this is a controlled error, not a fixed count.
   */
  tolerance?: number;
  /** Seed of the random start vector; default 42. The same seed gives the same factors. */
  seed?: number;
  /** The transpose of the matrix, if the caller already has it (saves one O(nnz) pass). */
  transposed?: CsrMatrix;
}

/** Rank-k factors A ~ U diag(S) V^T. */
export interface TruncatedSvd {
  /** Number of factors actually returned. */
  k: number;
  /** Left singular vectors, `rows x k`, row-major (row i = user i). */
  U: Float64Array;
  /** Singular values, descending, length k. */
  S: Float64Array;
  /** Right singular vectors, `cols x k`, row-major (row j = movie j). */
  V: Float64Array;
  /** Restart cycles used. */
  iterations: number;
  /** Products with A plus products with A^T (sparse matrix-vector). */
  matvecs: number;
  /** True when the tolerance was met within `maxIterations`. */
  converged: boolean;
  /**
   * Largest relative residual ||A^T u_i - s_i v_i|| / s_i over the top k at the end; residuals at
   * rounding level (below 64 eps s_1) count as 0.
   */
  maxResidual: number;
  /** Share of the squared Frobenius norm captured: sum S_i^2 / ||A||_F^2 (NaN for a zero matrix). */
  explainedVariance: number;
}

/**
 * Truncated SVD of a sparse matrix by thick-restarted Golub-Kahan-Lanczos bidiagonalization
 * with full reorthogonalization (the method of PROPACK and of IRLBA, Baglama and Reichel 2005;
 * the restart keeps Ritz vectors as in Wu and Simon 2000). This is what scipy's `svds` does
 * through ARPACK, and it needs far fewer products than randomized subspace iteration when the
 * spectrum is flat around k, as it is for rating matrices.
 *
 * Invariants (d = basis size): A Q_d = P_d B and A^T P_d = Q_d B^T + beta q_(d+1) e_d^T, with
 * P, Q orthonormal and B = P^T A Q (d x d, upper triangular) assembled from the
 * reorthogonalization coefficients. The SVD of B gives Ritz triplets whose residuals are
 * beta |last row of U_B|; cycles stop when the top k residuals meet the tolerance, or at
 * `maxIterations` (reported in `converged`, never an endless loop).
 *
 * Memory: O((rows + cols) d) for the bases; A is never densified. Each step costs two sparse
 * products (O(nnz)) and a reorthogonalization against the basis (O((rows + cols) d)).
 */
export function truncatedSvd(a: CsrMatrix, options: TruncatedSvdOptions = {}): TruncatedSvd {
  const { maxIterations = 100, tolerance = 1e-10, seed = 42 } = options;
  const m = a.rows;
  const n = a.cols;
  const k = Math.max(0, Math.min(options.k ?? 50, m, n));
  const d = Math.min(k + (options.oversampling ?? Math.max(k, 20)), m, n);
  // Restart with k plus a few extra Ritz vectors, so the k-th converges without stalling.
  const keep = Math.max(0, Math.min(d - 1, k + ((d - k) >> 2)));
  const at = options.transposed ?? transpose(a);
  const random = new Random(seed);
  const total = frobeniusNormSquared(a);
  if (k === 0) return empty(m, n, total);

  let P = new Float64Array(d * m);
  let Q = new Float64Array((d + 1) * n);
  let P2 = new Float64Array(d * m);
  let Q2 = new Float64Array((d + 1) * n);
  const B = new Float64Array(d * d);
  const w = new Float64Array(m);
  const z = new Float64Array(n);
  const coefficients = new Float64Array(d);
  fillUnitRandom(Q.subarray(0, n), Q, 0, random);

  let start = 0;
  let iterations = 0;
  let matvecs = 0;
  let maxResidual = Infinity;
  let converged = false;
  let small: SmallSvd;
  for (;;) {
    iterations++;
    let beta = 0;
    for (let j = start; j < d; j++) {
      multiplyVector(a, Q.subarray(j * n, (j + 1) * n), w);
      coefficients.fill(0);
      const before = norm(w);
      let alpha = orthogonalizeAgainst(w, P, j, coefficients);
      for (let i = 0; i < j; i++) B[i * d + j] = coefficients[i];
      if (alpha <= 1e-12 * before || alpha === 0) {
        // A q_j lies in span(P): an invariant subspace. Continue with a fresh direction (B_jj = 0).
        alpha = 0;
        fillUnitRandom(w, P, j, random);
      } else {
        scale(w, 1 / alpha);
      }
      P.set(w, j * m);
      B[j * d + j] = alpha;

      multiplyVector(at, P.subarray(j * m, (j + 1) * m), z);
      matvecs += 2;
      const zBefore = norm(z);
      beta = orthogonalizeAgainst(z, Q, j + 1);
      if (beta <= 1e-12 * zBefore || beta === 0) {
        beta = 0;
        fillUnitRandom(z, Q, j + 1, random);
      } else {
        scale(z, 1 / beta);
      }
      Q.set(z, (j + 1) * n);
    }

    small = jacobiSvd(B, d, d);
    maxResidual = 0;
    for (let i = 0; i < k; i++) {
      const residual = Math.abs(beta * small.U[(d - 1) * d + i]);
      // Residuals at rounding level of the largest value cannot shrink further: count as converged.
      if (residual > 64 * Number.EPSILON * small.S[0]) maxResidual = Math.max(maxResidual, residual / small.S[i]);
    }
    if (maxResidual <= tolerance) converged = true;
    if (converged || iterations >= maxIterations || keep === 0) break;

    // Thick restart: P <- P U_B[:, :keep], Q <- [Q V_B[:, :keep], q_(d+1)], B <- diag(S_keep);
    // the next A-side step fills B's column `keep` with the coupling terms beta U_B[d-1, i].
    combineBasis(P, m, d, small.U, d, keep, P2);
    combineBasis(Q, n, d, small.V, d, keep, Q2);
    Q2.set(Q.subarray(d * n, (d + 1) * n), keep * n);
    [P, P2] = [P2, P];
    [Q, Q2] = [Q2, Q];
    B.fill(0);
    for (let i = 0; i < keep; i++) B[i * d + i] = small.S[i];
    start = keep;
  }

  const U = basisTimesSmall(P, m, d, small.U, d, k);
  const V = basisTimesSmall(Q, n, d, small.V, d, k);
  const S = small.S.slice(0, k);
  let captured = 0;
  for (let i = 0; i < k; i++) captured += S[i] * S[i];
  return {
    k,
    U,
    S,
    V,
    iterations,
    matvecs,
    converged,
    maxResidual,
    explainedVariance: total > 0 ? captured / total : Number.NaN,
  };
}

/**
 * Fills `x` with a random unit vector orthogonal to the first `count` vectors of `basis`, or
 * with zeros when the basis already spans the whole space.
 */
function fillUnitRandom(x: Float64Array, basis: Float64Array, count: number, random: Random): void {
  for (let i = 0; i < x.length; i++) x[i] = random.gaussian();
  const before = norm(x);
  const after = orthogonalizeAgainst(x, basis, count);
  scale(x, after > 1e-8 * before ? 1 / after : 0);
}

function empty(m: number, n: number, total: number): TruncatedSvd {
  return {
    k: 0,
    U: new Float64Array(0),
    S: new Float64Array(0),
    V: new Float64Array(0),
    iterations: 0,
    matvecs: 0,
    converged: true,
    maxResidual: 0,
    explainedVariance: total > 0 ? 0 : Number.NaN,
  };
}
