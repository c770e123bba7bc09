import { InputError } from '../errors';
import { GemmBatch, type GemmShare } from './gemm-batch';
import { GemmKernel } from './gemm-kernel';

/** Rows of a tall product per batch entry: small enough that two threads balance, large enough to amortize a claim. */
const ROW_CHUNK = 64;

/** Options of `SpdInverse`. */
export interface SpdInverseOptions {
  /** Panel width (made even). Default 128: the kernel's best dot lengths on the 2-core Xeon were 128-256, and the scalar diagonal work grows with it. */
  block?: number;
  /**
   * Called once per `invert` with the solve's share: post it to threads that run `helpGemm(share)`
   * (the compute threads of libs/compute, or `ease.worker.ts`), and they take products of every
   * step with this thread. The result is the same bit for bit with or without them. Default: none.
   */
  helpers?: (share: GemmShare) => void;
}

/**
 * The inverse of a dense symmetric positive definite matrix by blocked Cholesky, in the
 * WebAssembly workspace of one `GemmKernel` (Float64 throughout):
 *
 *   1. A = L L^T                 (right-looking: factor a diagonal block, solve its panel, update the rest)
 *   2. W^T = L^-T                (block rows of L in order; W^T is upper triangular)
 *   3. P = W^T W = A^-1          (only the upper block triangle, then mirrored)
 *
 * Each step is n^3/6 multiply-adds, n^3/2 in all (numpy.linalg.inv's LU factorization and
 * solve against the identity take about 4n^3/3), and almost all of it is `out -= Q T^T` on
 * blocks of rows (gemm.wat):
 * the row-major layout makes every product a dot of two contiguous row segments. Small
 * triangular pieces (a diagonal block's factor and inverse, nb^3/6 each) stay in scalar code.
 *
 * Every step is cut into batches of independent products (gemm-batch.ts) that helper threads
 * may share.
 *
 * Layout (doubles, row stride `stride` >= n, even, padding columns zero):
 *   [0, n*stride)              A on entry (lower triangle read), P on exit (full, symmetric)
 *   [n*stride, 2*n*stride)     W^T (zero below the diagonal)
 *   then scratch               a copied panel (n x nb) and a diagonal block's inverse (nb x nb)
 */
export class SpdInverse {
  /** Matrix order. */
  readonly n: number;
  /** Row stride of the matrix and of W^T, doubles: n rounded up to even, moved off multiples of 512 (rows 4 KiB apart alias in L1). */
  readonly stride: number;
  /** Block size (rows of a panel), even. */
  readonly block: number;
  /** The workspace; the matrix is `data[i * stride + j]`. */
  readonly data: Float64Array;
  private readonly kernel: GemmKernel;
  private readonly batch: GemmBatch;
  private readonly helpers?: (share: GemmShare) => void;
  private readonly w: number;
  private readonly panel: number;
  private readonly inv: number;

  /**
   * @param n - matrix order
   * @param options - block size and helper threads
   */
  constructor(n: number, options: SpdInverseOptions = {}) {
    const block = options.block ?? 128;
    this.n = n;
    this.block = Math.max(2, block + (block & 1));
    let stride = n + (n & 1);
    if (stride % 512 === 0) stride += 2;
    this.stride = stride;
    this.w = n * stride;
    this.panel = 2 * n * stride;
    this.inv = this.panel + n * this.block;
    this.kernel = new GemmKernel(this.inv + this.block * this.block);
    this.data = this.kernel.data;
    const blocks = Math.ceil(n / this.block);
    this.batch = new GemmBatch(this.kernel, Math.max((blocks * (blocks + 1)) / 2, Math.ceil(n / ROW_CHUNK)) + 1);
    this.helpers = options.helpers;
  }

  /** Products of the last `invert` that helper threads ran (0 when none joined). */
  get helped(): number {
    return this.batch.helped;
  }

  /** Bytes the workspace holds for a matrix of order `n` (two n x n Float64 matrices and the scratch). */
  static bytesFor(n: number, block = 128): number {
    const stride = n + (n & 1) + 2;
    return 8 * (2 * n * stride + (n + block) * block);
  }

  /**
   * Replaces the matrix (its lower triangle is read) by its inverse, full and symmetric.
   * Stage times in ms go to `timings` (`cholesky`, `inverse`, `product`).
   * @throws InputError when the matrix is not positive definite (a pivot <= 0)
   */
  invert(timings: Record<string, number> = {}): void {
    this.helpers?.(this.batch.share);
    try {
      let t = performance.now();
      this.cholesky();
      timings.cholesky = performance.now() - t;
      t = performance.now();
      this.invertFactor();
      timings.inverse = performance.now() - t;
      t = performance.now();
      this.multiplyInverse();
      timings.product = performance.now() - t;
    } finally {
      this.batch.finish();
    }
  }

  /** Queues `out -= Q T^T` for a tall Q, cut into chunks of rows. */
  private addRows(q: number, qStride: number, t: number, tStride: number, out: number, outStride: number, nq: number, nt: number, len: number): void {
    for (let r = 0; r < nq; r += ROW_CHUNK) this.batch.add(q + r * qStride, qStride, t, tStride, out + r * outStride, outStride, Math.min(ROW_CHUNK, nq - r), nt, len);
  }

  /** Step 1: L in the lower triangle (diagonal included); the upper triangle is left as scratch. */
  private cholesky(): void {
    const { n, stride: s, block: nb, data: a, batch } = this;
    for (let k0 = 0; k0 < n; k0 += nb) {
      const kb = Math.min(nb, n - k0);
      const k1 = k0 + kb;
      // The diagonal block has every earlier block's update: factor it in place.
      for (let i = k0; i < k1; i++) {
        for (let j = k0; j <= i; j++) {
          let sum = a[i * s + j];
          for (let c = k0; c < j; c++) sum -= a[i * s + c] * a[j * s + c];
          if (i === j) {
            if (!(sum > 0)) throw new InputError(`the matrix is not positive definite (pivot ${sum} at row ${i})`);
            a[i * s + i] = Math.sqrt(sum);
          } else a[i * s + j] = sum / a[j * s + j];
        }
      }
      if (k1 >= n) break;
      // Panel: L[I, K] = A[I, K] L[K, K]^-T, as one product with the block's negated inverse.
      this.negatedBlockInverse(k0, kb);
      const rows = n - k1;
      const panel = this.panel;
      for (let i = 0; i < rows; i++) {
        const row = (k1 + i) * s + k0;
        a.set(a.subarray(row, row + kb), panel + i * nb);
        a.fill(0, row, row + kb);
      }
      this.addRows(panel, nb, this.inv, nb, k1 * s + k0, s, rows, kb, nb);
      batch.run();
      // Trailing update of the lower block triangle: A[I, J] -= L[I, K] L[J, K]^T for J <= I
      // (one product per block row, the longest first so that two threads end together).
      for (let i0 = k1 + Math.floor((n - 1 - k1) / nb) * nb; i0 >= k1; i0 -= nb) {
        const ib = Math.min(nb, n - i0);
        batch.add(i0 * s + k0, s, k1 * s + k0, s, i0 * s + k1, s, ib, i0 + ib - k1, kb);
      }
      batch.run();
    }
  }

  /** Step 2: W^T = L^-T, block row by block row of L (columns of W^T in order). */
  private invertFactor(): void {
    const { n, stride: s, block: nb, data: a, batch, w } = this;
    for (let i0 = 0; i0 < n; i0 += nb) {
      const ib = Math.min(nb, n - i0);
      const ibEven = ib + (ib & 1);
      this.negatedBlockInverse(i0, ib);
      if (i0 > 0) {
        // S[j, I] = -sum_{j0 <= k < i0} W^T[j, k] L[I, k] for every earlier row j (W^T is zero left of its diagonal).
        for (let j0 = 0; j0 < i0; j0 += nb) batch.add(w + j0 * s + j0, s, i0 * s + j0, s, w + j0 * s + i0, s, nb, ib, i0 - j0);
        batch.run();
        // W^T[j, I] = S[j, I] L[I, I]^-T: copy S out, then one product with the negated inverse.
        const panel = this.panel;
        for (let j = 0; j < i0; j++) {
          const row = w + j * s + i0;
          a.set(a.subarray(row, row + ib), panel + j * nb);
          if (ib & 1) a[panel + j * nb + ib] = 0;
          a.fill(0, row, row + ib);
        }
        this.addRows(panel, nb, this.inv, nb, w + i0, s, i0, ib, ibEven);
        batch.run();
      }
      // The diagonal block of W^T is the transposed inverse of L's.
      for (let i = 0; i < ib; i++) for (let j = 0; j <= i; j++) a[w + (i0 + j) * s + i0 + i] = -a[this.inv + i * nb + j];
    }
  }

  /** Step 3: P = W^T (W^T)^T on the upper block triangle, then negated into place and mirrored. */
  private multiplyInverse(): void {
    const { n, stride: s, block: nb, data: a, batch, w } = this;
    a.fill(0, 0, n * s);
    for (let i0 = 0; i0 < n; i0 += nb) {
      const ib = Math.min(nb, n - i0);
      for (let j0 = i0; j0 < n; j0 += nb) {
        const jb = Math.min(nb, n - j0);
        const len = n - j0 + ((n - j0) & 1);
        // Row i of W^T is zero left of i, so the products start at j0 >= i0; the padding column is zero.
        batch.add(w + i0 * s + j0, s, w + j0 * s + j0, s, i0 * s + j0, s, ib, jb, len);
      }
    }
    batch.run();
    // The kernel subtracted from zero: negate the upper triangle and mirror it below, in 64 x 64
    // tiles (a column write per entry over the whole matrix misses the cache on every row).
    const tile = 64;
    for (let i0 = 0; i0 < n; i0 += tile) {
      for (let j0 = i0; j0 < n; j0 += tile) {
        for (let i = i0; i < Math.min(i0 + tile, n); i++) {
          for (let j = Math.max(i, j0); j < Math.min(j0 + tile, n); j++) {
            const v = -a[i * s + j];
            a[i * s + j] = v;
            a[j * s + i] = v;
          }
        }
      }
    }
  }

  /**
   * Writes -L[K, K]^-1 (lower triangular, zero above and in the padding column) of the factored
   * diagonal block at rows and columns `[k0, k0 + kb)` to the scratch block (stride `block`).
   */
  private negatedBlockInverse(k0: number, kb: number): void {
    const { stride: s, block: nb, data: a } = this;
    const inv = this.inv;
    a.fill(0, inv, inv + nb * nb);
    // Column j of the inverse by forward substitution: x_j = 1 / L_jj, x_i = -(sum_{j <= c < i} L_ic x_c) / L_ii.
    for (let j = 0; j < kb; j++) {
      a[inv + j * nb + j] = 1 / a[(k0 + j) * s + k0 + j];
      for (let i = j + 1; i < kb; i++) {
        let sum = 0;
        for (let c = j; c < i; c++) sum += a[(k0 + i) * s + k0 + c] * a[inv + c * nb + j];
        a[inv + i * nb + j] = -sum / a[(k0 + i) * s + k0 + i];
      }
    }
    for (let p = inv; p < inv + nb * nb; p++) a[p] = -a[p];
  }
}
