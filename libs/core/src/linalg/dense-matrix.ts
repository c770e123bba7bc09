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
 * (same `cols`), written row-major into `out` (`count x targets.rows`).
 *
 * Register blocking: four target rows at a time with four independent accumulators, so the
 * query entry is loaded once per four multiply-adds and the additions do not wait on each
 * other (a single running sum is bound by floating-point add latency). The four target rows
 * stay in L1 while the whole query block passes over them. Each dot product is still summed in
 * index order, so results are bit-identical to a plain loop.
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
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const t0 = j * dim;
    const t1 = t0 + dim;
    const t2 = t1 + dim;
    const t3 = t2 + dim;
    for (let b = 0; b < count; b++) {
      const qo = (start + b) * dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let c = 0; c < dim; c++) {
        const x = q[qo + c];
        s0 += x * t[t0 + c];
        s1 += x * t[t1 + c];
        s2 += x * t[t2 + c];
        s3 += x * t[t3 + c];
      }
      const o = b * n + j;
      out[o] = s0;
      out[o + 1] = s1;
      out[o + 2] = s2;
      out[o + 3] = s3;
    }
  }
  for (; j < n; j++) {
    const to = j * dim;
    for (let b = 0; b < count; b++) {
      const qo = (start + b) * dim;
      let s = 0;
      for (let c = 0; c < dim; c++) s += q[qo + c] * t[to + c];
      out[b * n + j] = s;
    }
  }
}
