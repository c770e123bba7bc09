/**
 * Thin QR of a tall row-major block by modified Gram-Schmidt with re-orthogonalization.
 *
 * Why not Householder or ml-matrix: the blocks are tall and thin (6040 x 60) and ml-matrix stores
 * rows as separate arrays, which is several times slower here. MGS repeated until the column
 * keeps at least half its norm ("twice is enough", Giraud, Langou, Rozloznik 2005) gives
 * orthogonality to working precision, like Householder, on contiguous Float64Arrays.
 */

/**
 * Replaces the `rows x width` row-major block `a` by Q (orthonormal columns) and returns R
 * (`width x width`, row-major, upper triangular) with A = Q R. A column that is exactly
 * dependent on the previous ones (zero residual) becomes a zero column with R[j][j] = 0, so the
 * caller sees the rank deficiency instead of a division by zero.
 *
 * @param scratch - optional `rows * width` workspace, reused across calls to avoid allocation
 */
export function orthonormalizeColumns(
  a: Float64Array,
  rows: number,
  width: number,
  scratch: Float64Array = new Float64Array(rows * width),
): Float64Array {
  // Work column-major so every dot product and axpy runs over contiguous memory.
  const q = scratch;
  for (let i = 0; i < rows; i++) {
    const o = i * width;
    for (let j = 0; j < width; j++) q[j * rows + i] = a[o + j];
  }
  const r = new Float64Array(width * width);
  for (let j = 0; j < width; j++) {
    const qj = j * rows;
    let norm = columnNorm(q, qj, rows);
    for (let pass = 0; pass < 3; pass++) {
      for (let p = 0; p < j; p++) {
        const qp = p * rows;
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += q[qp + i] * q[qj + i];
        r[p * width + j] += dot;
        for (let i = 0; i < rows; i++) q[qj + i] -= dot * q[qp + i];
      }
      const after = columnNorm(q, qj, rows);
      const kept = after >= 0.5 * norm;
      norm = after;
      if (kept) break;
    }
    r[j * width + j] = norm;
    const scale = norm > 0 ? 1 / norm : 0;
    for (let i = 0; i < rows; i++) q[qj + i] *= scale;
  }
  for (let i = 0; i < rows; i++) {
    const o = i * width;
    for (let j = 0; j < width; j++) a[o + j] = q[j * rows + i];
  }
  return r;
}

function columnNorm(q: Float64Array, offset: number, rows: number): number {
  let s = 0;
  for (let i = 0; i < rows; i++) s += q[offset + i] * q[offset + i];
  return Math.sqrt(s);
}
