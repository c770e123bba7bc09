/**
 * The per-row solve of iALS. For a row u (a user; or a movie, with the roles swapped) with
 * observed entries i, confidence c_i = 1 + e_i and the other side's factors Y (n x k):
 *
 *   (Y^T Y + reg I + sum_i e_i y_i y_i^T) x_u = sum_i c_i y_i        (Hu et al. 2008, eq. 4, p = 1)
 *
 * Y^T Y is shared by every row of a half-iteration and computed once (`ialsGram`); each row then
 * costs O(k^2 + k nnz) per conjugate-gradient step instead of O(k^2 nnz + k^3) for forming and
 * factoring its own matrix (Takacs, Pilaszy, Tikk 2011). A few CG steps warm-started from the
 * previous iteration's x are enough, as in the `implicit` library (3 steps). Factors are stored
 * as Float32 (row-major); every sum runs in Float64.
 */

/** Y^T Y of `n` rows of `y` (n x k, row-major) as a dense k x k Float64 matrix. */
export function ialsGram(y: Float32Array, n: number, k: number): Float64Array {
  const g = new Float64Array(k * k);
  for (let r = 0; r < n; r++) {
    const base = r * k;
    for (let a = 0; a < k; a++) {
      const ya = y[base + a];
      if (ya === 0) continue;
      const row = a * k;
      for (let b = a; b < k; b++) g[row + b] += ya * y[base + b];
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) g[a * k + b] = g[b * k + a];
  return g;
}

/** What a block of row solves needs. */
export interface IalsBlockInput {
  /** Row pointers of this side (all rows; the block reads rows `start .. end - 1`). */
  indptr: Int32Array;
  /** Dense indices on the other side, per row. */
  indices: Int32Array;
  /** c - 1 of each entry. */
  extra: Float32Array;
  /** The other side's factors, n x k row-major. */
  other: Float32Array;
  /** `ialsGram(other)`: k x k. */
  gram: Float64Array;
  /** Factors. */
  k: number;
  /** Ridge weight added to the diagonal. */
  reg: number;
  /** First row, inclusive. */
  start: number;
  /** Last row, exclusive. */
  end: number;
  /** Previous factors of rows `start .. end - 1` ((end - start) x k), the CG start; null starts at 0. */
  warm: Float32Array | null;
  /** Conjugate-gradient steps per row (3 as `implicit`; k steps solve exactly up to rounding). */
  cgSteps: number;
}

/** Solves rows `start .. end - 1`; returns their new factors, (end - start) x k row-major Float32. */
export function solveIalsBlock(input: IalsBlockInput): Float32Array {
  const { indptr, indices, extra, other, gram, k, reg, start, end, warm, cgSteps } = input;
  const out = new Float32Array((end - start) * k);
  const x = new Float64Array(k);
  const r = new Float64Array(k);
  const p = new Float64Array(k);
  const ap = new Float64Array(k);
  for (let row = start; row < end; row++) {
    const local = (row - start) * k;
    for (let a = 0; a < k; a++) x[a] = warm === null ? 0 : warm[local + a];
    const s = indptr[row];
    const e = indptr[row + 1];
    // r = b - A x, with b = sum c_i y_i.
    applyRowMatrix(gram, reg, k, indices, extra, other, s, e, x, r);
    for (let a = 0; a < k; a++) r[a] = -r[a];
    for (let q = s; q < e; q++) {
      const c = 1 + extra[q];
      const base = indices[q] * k;
      for (let a = 0; a < k; a++) r[a] += c * other[base + a];
    }
    let rs = 0;
    for (let a = 0; a < k; a++) {
      p[a] = r[a];
      rs += r[a] * r[a];
    }
    for (let step = 0; step < cgSteps && rs > 1e-20; step++) {
      applyRowMatrix(gram, reg, k, indices, extra, other, s, e, p, ap);
      let pap = 0;
      for (let a = 0; a < k; a++) pap += p[a] * ap[a];
      const alpha = rs / pap;
      let next = 0;
      for (let a = 0; a < k; a++) {
        x[a] += alpha * p[a];
        r[a] -= alpha * ap[a];
        next += r[a] * r[a];
      }
      const beta = next / rs;
      for (let a = 0; a < k; a++) p[a] = r[a] + beta * p[a];
      rs = next;
    }
    for (let a = 0; a < k; a++) out[local + a] = x[a];
  }
  return out;
}

/** out = (G + reg I + sum_q extra_q y_q y_q^T) v over entries `s .. e - 1` of a row. */
function applyRowMatrix(gram: Float64Array, reg: number, k: number, indices: Int32Array, extra: Float32Array, other: Float32Array, s: number, e: number, v: Float64Array, out: Float64Array): void {
  for (let a = 0; a < k; a++) {
    let sum = reg * v[a];
    const row = a * k;
    for (let b = 0; b < k; b++) sum += gram[row + b] * v[b];
    out[a] = sum;
  }
  for (let q = s; q < e; q++) {
    const base = indices[q] * k;
    let dot = 0;
    for (let a = 0; a < k; a++) dot += other[base + a] * v[a];
    const w = extra[q] * dot;
    for (let a = 0; a < k; a++) out[a] += w * other[base + a];
  }
}
