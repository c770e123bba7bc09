/**
 * Compressed sparse row (CSR) matrices on typed arrays, and the matrix-vector product the SVD
 * applies to A and to its transpose.
 *
 * Row `i` holds the entries `indptr[i] .. indptr[i+1]-1` of `indices` (column indices, ascending
 * within a row) and `values`. A CSC matrix is the CSR of the transpose, so `transpose()` also
 * serves as the CSR -> CSC conversion.
 */
export interface CsrMatrix {
  /** Number of rows. */
  rows: number;
  /** Number of columns. */
  cols: number;
  /** Row pointers, length `rows + 1`; `indptr[rows]` is the number of stored entries. */
  indptr: Int32Array;
  /** Column index of each stored entry, ascending within each row. */
  indices: Int32Array;
  /** Value of each stored entry. */
  values: Float64Array;
}

/**
 * The transpose as a new CSR matrix (equivalently: the CSC form of `a`). O(nnz + rows + cols).
 * Column indices of the result come out ascending because rows of `a` are visited in order.
 */
export function transpose(a: CsrMatrix, shared = false): CsrMatrix {
  const nnz = a.indptr[a.rows];
  const indptr = allocate(Int32Array, a.cols + 1, shared);
  for (let p = 0; p < nnz; p++) indptr[a.indices[p] + 1]++;
  for (let j = 0; j < a.cols; j++) indptr[j + 1] += indptr[j];
  const next = indptr.slice(0, a.cols);
  const indices = allocate(Int32Array, nnz, shared);
  const values = allocate(Float64Array, nnz, shared);
  for (let i = 0; i < a.rows; i++) {
    for (let p = a.indptr[i], end = a.indptr[i + 1]; p < end; p++) {
      const q = next[a.indices[p]]++;
      indices[q] = i;
      values[q] = a.values[p];
    }
  }
  return { rows: a.cols, cols: a.rows, indptr, indices, values };
}

/** A zeroed typed array of `length`, in a SharedArrayBuffer when `shared` (readable by worker threads without a copy). */
function allocate<T extends Int32Array | Float64Array>(kind: { new (b: ArrayBufferLike): T; BYTES_PER_ELEMENT: number }, length: number, shared: boolean): T {
  return new kind(shared ? new SharedArrayBuffer(length * kind.BYTES_PER_ELEMENT) : new ArrayBuffer(length * kind.BYTES_PER_ELEMENT));
}

/** Squared Frobenius norm: the sum of squares of the stored values. */
export function frobeniusNormSquared(a: CsrMatrix): number {
  let s = 0;
  const nnz = a.indptr[a.rows];
  for (let p = 0; p < nnz; p++) s += a.values[p] * a.values[p];
  return s;
}

/**
 * `out = a * x` for a dense vector `x` (length `a.cols`); `out` (length `a.rows`) is overwritten.
 * Four accumulators per row: rating rows are long (hundreds of entries) and one running sum
 * would make every entry wait on the previous addition.
 */
export function multiplyVector(a: CsrMatrix, x: Float64Array, out: Float64Array): void {
  const { indptr, indices, values } = a;
  for (let i = 0; i < a.rows; i++) out[i] = rowDot(indices, values, indptr[i], indptr[i + 1], x);
}

/** Dot product of the stored entries `start .. end-1` with the dense `x`; four accumulators (see multiplyVector). */
function rowDot(indices: Int32Array, values: Float64Array, start: number, end: number, x: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let p = start;
  for (; p + 3 < end; p += 4) {
    s0 += values[p] * x[indices[p]];
    s1 += values[p + 1] * x[indices[p + 1]];
    s2 += values[p + 2] * x[indices[p + 2]];
    s3 += values[p + 3] * x[indices[p + 3]];
  }
  for (; p < end; p++) s0 += values[p] * x[indices[p]];
  return s0 + s1 + (s2 + s3);
}

/**
 * `out = a^T (a x)` in ONE pass over `a` (x and out have length `a.cols`; out is overwritten):
 * row i's dot product w_i = a_i . x is scattered back as out += w_i a_i while the row is still
 * in L1 cache. This is the operator of Lanczos on the Gram matrix A^T A (what scipy's svds runs
 * through ARPACK); it reads the matrix once instead of twice (A, then the CSR of A^T), and the
 * product is memory-bound, so it costs about half of two `multiplyVector` calls.
 */
export function multiplyGram(a: CsrMatrix, x: Float64Array, out: Float64Array): void {
  out.fill(0);
  multiplyGramRows(a, x, out, 0, a.rows);
}

/**
 * Adds the contribution of rows `[rowStart, rowEnd)` to `a^T a x`: `out += a_r^T (a_r x)` for
 * each row r (out is not cleared). Row blocks summed in a fixed order give a result that does
 * not depend on which thread computed which block (see the compute library's parallel Gram).
 */
export function multiplyGramRows(a: CsrMatrix, x: Float64Array, out: Float64Array, rowStart: number, rowEnd: number): void {
  const { indptr, indices, values } = a;
  for (let i = rowStart; i < rowEnd; i++) {
    const start = indptr[i];
    const end = indptr[i + 1];
    const w = rowDot(indices, values, start, end, x);
    if (w === 0) continue;
    // Indices within a row are distinct, so four updates can load before they store: the CPU
    // then overlaps them instead of waiting on possible store-to-load aliasing (1.7 vs 2.9 ms
    // per pass over the ML-1M-sized matrix).
    let p = start;
    for (; p + 3 < end; p += 4) {
      const i0 = indices[p];
      const i1 = indices[p + 1];
      const i2 = indices[p + 2];
      const i3 = indices[p + 3];
      const v0 = out[i0] + w * values[p];
      const v1 = out[i1] + w * values[p + 1];
      const v2 = out[i2] + w * values[p + 2];
      const v3 = out[i3] + w * values[p + 3];
      out[i0] = v0;
      out[i1] = v1;
      out[i2] = v2;
      out[i3] = v3;
    }
    for (; p < end; p++) out[indices[p]] += w * values[p];
  }
}

/**
 * `out = a * x` for a dense ROW-major block `x` (`a.cols x width`); `out` (`a.rows x width`,
 * row-major) is overwritten. Each stored entry reads one contiguous row of x, so the matrix is
 * streamed once for all `width` vectors instead of once per vector.
 */
export function multiplyDenseRows(a: CsrMatrix, x: Float64Array, width: number, out: Float64Array): void {
  const { indptr, indices, values } = a;
  out.fill(0, 0, a.rows * width);
  for (let i = 0; i < a.rows; i++) {
    const o = i * width;
    const end = indptr[i + 1];
    let p = indptr[i];
    // Two entries per sweep of the output row: half the read-modify-writes of out.
    for (; p + 1 < end; p += 2) {
      const v0 = values[p];
      const v1 = values[p + 1];
      const x0 = indices[p] * width;
      const x1 = indices[p + 1] * width;
      for (let c = 0; c < width; c++) out[o + c] += v0 * x[x0 + c] + v1 * x[x1 + c];
    }
    for (; p < end; p++) {
      const v = values[p];
      const xo = indices[p] * width;
      for (let c = 0; c < width; c++) out[o + c] += v * x[xo + c];
    }
  }
}
