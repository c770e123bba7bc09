/**
 * The per-row solve of iALS. For a row u (a user; or a movie, with the roles swapped) with
 * observed entries i, confidence c_i = 1 + e_i and the other side's factors Y (n x k):
 *
 *   (Y^T Y + reg I + sum_i e_i y_i y_i^T) x_u = sum_i c_i y_i        (Hu et al. 2008, eq. 4, p = 1)
 *
 * Y^T Y is shared by every row of a half-iteration and computed once (`ialsGram`); each row then
 * costs O(k^2 + k nnz) per conjugate-gradient step instead of O(k^2 nnz + k^3) for forming and
 * factoring its own matrix (Takacs, Pilaszy, Tikk 2011). A few CG steps warm-started from the
 * previous iteration's x are enough (the `implicit` library takes 3; our default is 2, see
 * `IALS_DEFAULTS`). Factors are stored as Float32 (row-major); every sum runs in Float64. The two
 * passes over the row's entries per step run in WebAssembly (`ials-kernel.ts`).
 */
import { IalsRowKernel } from './ials-kernel';

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
  /** Conjugate-gradient steps per row (k steps solve exactly up to rounding). */
  cgSteps: number;
}

/** Solves rows `start .. end - 1`; returns their new factors, (end - start) x k row-major Float32. */
export function solveIalsBlock(input: IalsBlockInput): Float32Array {
  const { indptr, indices, extra, other, gram, k, reg, start, end, warm, cgSteps } = input;
  const out = new Float32Array((end - start) * k);
  let longest = 0;
  for (let row = start; row < end; row++) longest = Math.max(longest, indptr[row + 1] - indptr[row]);
  // The row's observed factors are gathered once into the kernel's memory (read 1 + cgSteps
  // times), and its two passes per step run there (ials-rows.wat).
  const kernel = new IalsRowKernel(longest, k);
  const { x, r, p, ap } = kernel;
  for (let row = start; row < end; row++) {
    const local = (row - start) * k;
    for (let a = 0; a < k; a++) x[a] = warm === null ? 0 : warm[local + a];
    const n = gather(indptr, indices, extra, other, k, row, kernel);
    // r = b - A x = sum_q (c_q - e_q (y_q . x)) y_q - (Y^T Y + reg I) x, in one pass over the row.
    applyGram(gram, reg, k, x, r);
    for (let a = 0; a < k; a++) r[a] = -r[a];
    kernel.addResidual(n);
    let rs = 0;
    for (let a = 0; a < k; a++) {
      p[a] = r[a];
      rs += r[a] * r[a];
    }
    for (let step = 0; step < cgSteps && rs > 1e-20; step++) {
      applyGram(gram, reg, k, p, ap);
      kernel.addProduct(n);
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

/** Copies row `row`'s observed factors into the kernel (n x stride) with their c - 1, 1 + (c - 1) and -(c - 1); returns n. */
function gather(indptr: Int32Array, indices: Int32Array, extra: Float32Array, other: Float32Array, k: number, row: number, kernel: IalsRowKernel): number {
  const { g, e, onePlus, minus, stride } = kernel;
  const s = indptr[row];
  const n = indptr[row + 1] - s;
  for (let q = 0; q < n; q++) {
    const base = indices[s + q] * k;
    const o = q * stride;
    for (let a = 0; a < k; a++) g[o + a] = other[base + a];
    const w = extra[s + q];
    e[q] = w;
    onePlus[q] = 1 + w;
    minus[q] = -w;
  }
  return n;
}

/** out = (G + reg I) v. */
function applyGram(gram: Float64Array, reg: number, k: number, v: Float64Array, out: Float64Array): void {
  for (let a = 0; a < k; a++) out[a] = reg * v[a] + dot(gram, a * k, v, k);
}

/** g[o .. o + k) . v, four partial sums (fewer dependent additions per step). */
function dot(g: Float64Array, o: number, v: Float64Array, k: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let a = 0;
  for (; a + 3 < k; a += 4) {
    s0 += g[o + a] * v[a];
    s1 += g[o + a + 1] * v[a + 1];
    s2 += g[o + a + 2] * v[a + 2];
    s3 += g[o + a + 3] * v[a + 3];
  }
  for (; a < k; a++) s0 += g[o + a] * v[a];
  return s0 + s1 + (s2 + s3);
}
