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
export function transpose(a: CsrMatrix): CsrMatrix {
  const nnz = a.indptr[a.rows];
  const indptr = new Int32Array(a.cols + 1);
  for (let p = 0; p < nnz; p++) indptr[a.indices[p] + 1]++;
  for (let j = 0; j < a.cols; j++) indptr[j + 1] += indptr[j];
  const next = indptr.slice(0, a.cols);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let i = 0; i < a.rows; i++) {
    for (let p = a.indptr[i], end = a.indptr[i + 1]; p < end; p++) {
      const q = next[a.indices[p]]++;
      indices[q] = i;
      values[q] = a.values[p];
    }
  }
  return { rows: a.cols, cols: a.rows, indptr, indices, values };
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
  for (let i = 0; i < a.rows; i++) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let p = indptr[i];
    const end = indptr[i + 1];
    for (; p + 3 < end; p += 4) {
      s0 += values[p] * x[indices[p]];
      s1 += values[p + 1] * x[indices[p + 1]];
      s2 += values[p + 2] * x[indices[p + 2]];
      s3 += values[p + 3] * x[indices[p + 3]];
    }
    for (; p < end; p++) s0 += values[p] * x[indices[p]];
    out[i] = s0 + s1 + (s2 + s3);
  }
}
