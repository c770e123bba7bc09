/**
 * SVD of a small dense matrix by one-sided Jacobi rotations (Hestenes 1958; Demmel and Veselic
 * 1992 show it is accurate to high relative precision). Used for the d x d projected matrix of
 * the Lanczos truncated SVD (d ~ 100: a few milliseconds, no dependency); that matrix is symmetric
 * positive semidefinite, so its SVD is its eigendecomposition.
 */

/** Result of `jacobiSvd`: A = U diag(S) V^T with S descending. */
export interface SmallSvd {
  /** `m x n` row-major, orthonormal columns (columns for zero singular values are zero). */
  U: Float64Array;
  /** `n` singular values, descending. */
  S: Float64Array;
  /** `n x n` row-major, orthogonal. */
  V: Float64Array;
}

/**
 * Thin SVD of the `m x n` row-major matrix `a` (m >= n), by orthogonalizing its columns.
 *
 * @param tolerance - rotate while |a_p . a_q| > tolerance * |a_p| |a_q|; default 1e-15
 * @param maxSweeps - cap on sweeps over all column pairs; default 60 (typically 6-10 are used)
 */
export function jacobiSvd(a: Float64Array, m: number, n: number, tolerance = 1e-15, maxSweeps = 60): SmallSvd {
  // Column-major working copies: rotations touch two whole columns at a time.
  const w = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) w[j * m + i] = a[i * n + j];
  const v = new Float64Array(n * n);
  for (let j = 0; j < n; j++) v[j * n + j] = 1;

  // Squared column norms, recomputed at each sweep and updated exactly by each rotation in
  // between (alpha' = alpha - t gamma, beta' = beta + t gamma, the rotation's eigenvalues of the
  // 2 x 2 Gram block): one dot product per pair instead of three.
  const squares = new Float64Array(n);
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let rotated = false;
    for (let j = 0; j < n; j++) squares[j] = dot(w, j * m, j * m, m);
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const po = p * m;
        const qo = q * m;
        const alpha = squares[p];
        const beta = squares[q];
        const gamma = dot(w, po, qo, m);
        if (gamma === 0 || Math.abs(gamma) <= tolerance * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(w, po, qo, m, c, s);
        rotate(v, p * n, q * n, n, c, s);
        squares[p] = Math.max(0, alpha - t * gamma);
        squares[q] = Math.max(0, beta + t * gamma);
      }
    }
    if (!rotated) break;
  }

  const norms = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < m; i++) s += w[j * m + i] * w[j * m + i];
    norms[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: n }, (_, j) => j).sort((x, y) => norms[y] - norms[x] || x - y);
  const U = new Float64Array(m * n);
  const S = new Float64Array(n);
  const V = new Float64Array(n * n);
  for (let jj = 0; jj < n; jj++) {
    const j = order[jj];
    S[jj] = norms[j];
    const inv = norms[j] > 0 ? 1 / norms[j] : 0;
    for (let i = 0; i < m; i++) U[i * n + jj] = w[j * m + i] * inv;
    // v is stored column-major (column j contiguous at j*n): V[i][jj] = column j, entry i.
    for (let i = 0; i < n; i++) V[i * n + jj] = v[j * n + i];
  }
  return { U, S, V };
}

/** `a[p .. p+length) . a[q .. q+length)` with two accumulators. */
function dot(a: Float64Array, p: number, q: number, length: number): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < length; i += 2) {
    s0 += a[p + i] * a[q + i];
    s1 += a[p + i + 1] * a[q + i + 1];
  }
  if (i < length) s0 += a[p + i] * a[q + i];
  return s0 + s1;
}

/** Applies the plane rotation (c, s) to the columns of `a` starting at `p` and `q`, each `length` long. */
function rotate(a: Float64Array, p: number, q: number, length: number, c: number, s: number): void {
  for (let i = 0; i < length; i++) {
    const x = a[p + i];
    const y = a[q + i];
    a[p + i] = c * x - s * y;
    a[q + i] = s * x + c * y;
  }
}
