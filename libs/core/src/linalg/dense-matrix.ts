/** A dense matrix as one contiguous row-major Float64Array (never arrays of rows). */
export interface DenseMatrix {
  rows: number;
  cols: number;
  /** `rows * cols` entries; entry (i, j) at `i * cols + j`. */
  data: Float64Array;
}

/** The rows of `a` scaled to unit Euclidean length; all-zero rows stay zero. */
export function normalizeRows(a: DenseMatrix): DenseMatrix {
  const data = new Float64Array(a.data.length);
  for (let i = 0; i < a.rows; i++) {
    const o = i * a.cols;
    let s = 0;
    for (let c = 0; c < a.cols; c++) s += a.data[o + c] * a.data[o + c];
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let c = 0; c < a.cols; c++) data[o + c] = a.data[o + c] * inv;
  }
  return { rows: a.rows, cols: a.cols, data };
}
