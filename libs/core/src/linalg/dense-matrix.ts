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

/**
 * Dot products of rows `[start, start + count)` of `queries` with every row of `targets`
 * (same `cols`), written row-major into `out` (`count x targets.rows`). The target row is the
 * outer loop so each one is read once per block of queries, while it is in cache.
 */
export function blockDotProducts(
  queries: DenseMatrix,
  start: number,
  count: number,
  targets: DenseMatrix,
  out: Float64Array,
): void {
  const dim = queries.cols;
  const n = targets.rows;
  const q = queries.data;
  const t = targets.data;
  for (let j = 0; j < n; j++) {
    const to = j * dim;
    for (let b = 0; b < count; b++) {
      const qo = (start + b) * dim;
      let s = 0;
      for (let c = 0; c < dim; c++) s += q[qo + c] * t[to + c];
      out[b * n + j] = s;
    }
  }
}
