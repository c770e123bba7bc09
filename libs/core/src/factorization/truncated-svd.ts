import { basisTimesSmall, combineBasis, norm, orthogonalizeAgainst, scale } from '../linalg/basis';
import { symmetricEigen, type SymmetricEigen } from '../linalg/symmetric-eigen';
import { Random } from '../random';
import { frobeniusNormSquared, multiplyDenseRows, multiplyGram, transpose, type CsrMatrix } from '../sparse/csr';
import { GramKernel } from '../sparse/gram-kernel';

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
  /**
   * The transpose of the matrix, if the caller already has it. Only used when rows < cols (the
   * Lanczos then runs on A A^T, which needs A^T in CSR form); saves one O(nnz) pass there.
   */
  transposed?: CsrMatrix;
  /**
   * The Gram operator `out = g^T g x` on the smaller side's vectors (g = A, or A^T when rows <
   * cols), overwriting `out`; default the WebAssembly kernel in this thread (`GramKernel`), or
   * `multiplyGram(g, x, out)` past its 4 GiB. Lets a caller spread the one
   * O(nnz) pass of each Lanczos step over threads (the compute library's parallel Gram); any
   * operator equal to g^T g up to rounding gives the same factors up to rounding.
   */
  gram?: (x: Float64Array, out: Float64Array) => void;
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
  /**
   * Products with A plus products with A^T (sparse matrix-vector): each Lanczos step's fused
   * A^T A pass counts as two, and the final U = A V (one pass for all k vectors) as k.
   */
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
 * Truncated SVD of a sparse matrix by thick-restarted Lanczos on the Gram matrix G = A^T A (or
 * A A^T, whichever is smaller), with full reorthogonalization: the method of scipy's `svds`
 * (ARPACK's implicitly restarted Lanczos on the Gram operator), restarted by keeping Ritz
 * vectors as in Wu and Simon 2000 (equivalent to implicit restarting, and simpler to code).
 *
 * Why the Gram matrix and not Golub-Kahan bidiagonalization: both build the same Krylov space
 * K(A^T A, q) and so need the same number of steps, but here one step is one fused pass over the
 * CSR (`multiplyGram`: row dot product, then scatter of the same row while it is in cache) rather
 * than a pass over A and one over A^T, and only one basis (length min(rows, cols)) is
 * reorthogonalized and restarted instead of two. The price is squaring the condition: the Ritz
 * values theta = s^2 have absolute error ~ eps s_1^2, i.e. relative error eps (s_1 / s_i)^2 in
 * s_i, and the left vectors u_i = A v_i / s_i inherit the same factor in their orthogonality.
 * For the top singular triplets of a rating matrix (s_1 / s_50 ~ 3-10) that is ~1e-14, below
 * the 1e-6 the callers and tests need; when s_1 / s_k exceeds 100 the left vectors are
 * re-orthonormalized at the end (and completed with random orthogonal directions for numerically
 * zero singular values), so U stays orthonormal for rank-deficient inputs too.
 *
 * Invariants (d = basis size, Q orthonormal): G Q_d = Q_d T + beta q_(d+1) e_d^T, T = Q^T G Q
 * (d x d, symmetric) assembled from the reorthogonalization coefficients. The eigenpairs
 * (theta, y) of T give Ritz pairs with ||G v - theta v|| = beta |y_d|, which for the triplet
 * (s = sqrt(theta), v, u = A v / s) is exactly ||A^T u - s v|| * s (and A v = s u holds by
 * construction); cycles stop when every top-k relative residual meets the tolerance, or at
 * `maxIterations` (reported in `converged`, never an endless loop).
 *
 * Memory: O(min(rows, cols) d) for the basis plus the rows x k and cols x k factors; A is never
 * densified. Each step costs one fused sparse pass (O(nnz), counted as two mat-vecs) and a
 * reorthogonalization against the basis (O(min(rows, cols) d)).
 */
export function truncatedSvd(a: CsrMatrix, options: TruncatedSvdOptions = {}): TruncatedSvd {
  const { maxIterations = 100, tolerance = 1e-10, seed = 42 } = options;
  const m = a.rows;
  const n = a.cols;
  const k = Math.max(0, Math.min(options.k ?? 50, m, n));
  const d = Math.min(k + (options.oversampling ?? Math.max(k, 20)), m, n);
  // Restart with k plus a few extra Ritz vectors, so the k-th converges without stalling.
  const keep = Math.max(0, Math.min(d - 1, k + ((d - k) >> 2)));
  const total = frobeniusNormSquared(a);
  if (k === 0) return empty(m, n, total);
  // Work on the Gram matrix of the smaller side: g has `size` = min(rows, cols) columns.
  const wide = m < n;
  const g = wide ? (options.transposed ?? transpose(a)) : a;
  const size = g.cols;
  const gram = options.gram ?? defaultGram(g);
  const random = new Random(seed);

  let Q = new Float64Array((d + 1) * size);
  let Q2 = new Float64Array((d + 1) * size);
  const T = new Float64Array(d * d);
  const z = new Float64Array(size);
  const coefficients = new Float64Array(d + 1);
  fillUnitRandom(Q.subarray(0, size), Q, 0, random);

  let start = 0;
  let iterations = 0;
  let matvecs = 0;
  let maxResidual = Infinity;
  let converged = false;
  let small: SymmetricEigen;
  // Ritz values theta = s^2 >= 0; rounding can leave a zero one slightly negative.
  const theta = (i: number) => Math.max(0, small.values[i]);
  for (;;) {
    iterations++;
    let beta = 0;
    for (let j = start; j < d; j++) {
      gram(Q.subarray(j * size, (j + 1) * size), z);
      matvecs += 2;
      coefficients.fill(0);
      const before = norm(z);
      // G q_j is dominated by q_j and q_(j-1) (the three-term recurrence): removing those first
      // means the full pass below cancels only rounding-level components, so its DGKS test
      // passes after one sweep of the basis instead of always demanding a second one.
      for (let i = Math.max(0, j - 1); i <= j; i++) coefficients[i] = subtractProjection(z, Q, i * size);
      beta = orthogonalizeAgainst(z, Q, j + 1, coefficients);
      // Column j of T = Q^T G q_j, mirrored: T is symmetric (entries below j+1 are the next steps').
      for (let i = 0; i <= j; i++) T[i * d + j] = T[j * d + i] = coefficients[i];
      if (beta <= 1e-12 * before || beta === 0) {
        // G q_j lies in span(Q): an invariant subspace. Continue with a fresh direction (coupling 0).
        beta = 0;
        fillUnitRandom(z, Q, j + 1, random);
      } else {
        scale(z, 1 / beta);
      }
      Q.set(z, (j + 1) * size);
    }

    // T is symmetric positive semidefinite: its eigenpairs (theta, y), descending.
    small = symmetricEigen(T, d);
    maxResidual = 0;
    const floor = 64 * Number.EPSILON * Math.sqrt(theta(0));
    for (let i = 0; i < k; i++) {
      const s = Math.sqrt(theta(i));
      // ||A^T u - s v|| = ||G v - theta v|| / s; rounding-level residuals cannot shrink further.
      const residual = Math.abs(beta * small.vectors[(d - 1) * d + i]) / s;
      if (residual > floor) maxResidual = Math.max(maxResidual, residual / s);
    }
    if (maxResidual <= tolerance) converged = true;
    if (converged || iterations >= maxIterations || keep === 0) break;

    // Thick restart: Q <- [Q Y[:, :keep], q_(d+1)], T <- diag(theta_keep); the next step fills
    // T's row and column `keep` with the couplings beta Y[d-1, i] (an arrowhead matrix).
    combineBasis(Q, size, d, small.vectors, d, keep, Q2);
    Q2.set(Q.subarray(d * size, (d + 1) * size), keep * size);
    [Q, Q2] = [Q2, Q];
    T.fill(0);
    for (let i = 0; i < keep; i++) T[i * d + i] = small.values[i];
    start = keep;
  }

  const S = Float64Array.from({ length: k }, (_, i) => Math.sqrt(theta(i)));
  const right = basisTimesSmall(Q, size, d, small.vectors, d, k);
  const left = leftVectors(g, right, S, random);
  matvecs += k;
  let captured = 0;
  for (let i = 0; i < k; i++) captured += S[i] * S[i];
  return {
    k,
    U: wide ? right : left,
    S,
    V: wide ? left : right,
    iterations,
    matvecs,
    converged,
    maxResidual,
    explainedVariance: total > 0 ? captured / total : Number.NaN,
  };
}

/** `x -= (b . x) b` for the unit vector b at `offset` in `basis`; returns b . x. */
function subtractProjection(x: Float64Array, basis: Float64Array, offset: number): number {
  let s = 0;
  for (let r = 0; r < x.length; r++) s += basis[offset + r] * x[r];
  for (let r = 0; r < x.length; r++) x[r] -= s * basis[offset + r];
  return s;
}

/**
 * The other side's singular vectors `g V diag(1/S)` (`g.rows x k`, row-major), by one pass over
 * g for all k vectors. Their orthogonality error is ~ eps (s_1 / s_i)^2; when that could exceed
 * ~1e-12 (s_1 / s_k > 100) the columns are re-orthonormalized in order (O(rows k^2)), and columns
 * of numerically zero singular values become random unit vectors orthogonal to the others.
 */
function leftVectors(g: CsrMatrix, right: Float64Array, S: Float64Array, random: Random): Float64Array {
  const k = S.length;
  const rows = g.rows;
  const out = new Float64Array(rows * k);
  multiplyDenseRows(g, right, k, out);
  const inverse = S.map((s) => (s > 0 ? 1 / s : 0));
  for (let i = 0; i < rows; i++) for (let c = 0, o = i * k; c < k; c++) out[o + c] *= inverse[c];
  if (S[k - 1] > 1e-2 * S[0]) return out;
  const columns = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) for (let c = 0; c < k; c++) columns[c * rows + i] = out[i * k + c];
  for (let c = 0; c < k; c++) {
    const x = columns.subarray(c * rows, (c + 1) * rows);
    const before = norm(x);
    const after = orthogonalizeAgainst(x, columns, c);
    if (S[c] > 1e-10 * S[0] && after > 0.5 * before) scale(x, 1 / after);
    else fillUnitRandom(x, columns, c, random);
  }
  for (let i = 0; i < rows; i++) for (let c = 0; c < k; c++) out[i * k + c] = columns[c * rows + i];
  return out;
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

/** The Gram operator of `g` in one thread: the WebAssembly kernel, or the scalar pass when g exceeds its 4 GiB. */
function defaultGram(g: CsrMatrix): (x: Float64Array, out: Float64Array) => void {
  if (!GramKernel.fits(g)) return (x, out) => multiplyGram(g, x, out);
  const kernel = GramKernel.forMatrix(g);
  return (x, out) => kernel.multiply(x, out);
}
