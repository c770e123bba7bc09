/**
 * Small dense products on row-major Float64Arrays, used to assemble SVD factors.
 */

/**
 * `a (rows x inner) * b (inner x cols)` keeping only the first `keep` columns of the product
 * (default all). Row-major in and out; the inner loop is a contiguous axpy over a row of `b`.
 */
export function multiplyBlocks(
  a: Float64Array,
  rows: number,
  inner: number,
  b: Float64Array,
  cols: number,
  keep = cols,
): Float64Array {
  const out = new Float64Array(rows * keep);
  for (let i = 0; i < rows; i++) {
    const ao = i * inner;
    const oo = i * keep;
    for (let t = 0; t < inner; t++) {
      const x = a[ao + t];
      if (x === 0) continue;
      const bo = t * cols;
      for (let j = 0; j < keep; j++) out[oo + j] += x * b[bo + j];
    }
  }
  return out;
}

/** The transpose of a `rows x cols` row-major matrix, as a new `cols x rows` row-major matrix. */
export function transposeDense(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}
