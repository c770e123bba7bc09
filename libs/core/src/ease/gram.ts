/**
 * Binary interactions as sparse rows: user u rated the movies `indices[indptr[u] .. indptr[u+1]-1]`
 * (dense movie indices, ascending, no repeats). The input of EASE: what a user rated, not how.
 */
export interface InteractionRows {
  /** Users (rows). */
  rows: number;
  /** Movies (columns). */
  cols: number;
  /** Row pointers, length `rows + 1`. */
  indptr: Int32Array;
  /** Movie index of each interaction, ascending within a row. */
  indices: Int32Array;
}

/**
 * Adds the lower triangle (diagonal included) of the Gram matrix G = X^T X of the binary matrix
 * X of `rows` to `out` (row-major, row stride `stride`): G[a][b] = users who rated both a and b.
 * Straight from the sparse rows, one increment per pair of a user's movies (sum of squared row
 * lengths / 2), so no dense users x movies matrix is ever built.
 */
export function addLowerGram(rows: InteractionRows, out: Float64Array, stride: number): void {
  const { indptr, indices } = rows;
  for (let u = 0; u < rows.rows; u++) {
    const start = indptr[u];
    const end = indptr[u + 1];
    for (let p = start; p < end; p++) {
      // Rows are ascending, so every earlier movie of the row has a smaller index: a lower-triangle entry.
      const base = indices[p] * stride;
      for (let q = start; q <= p; q++) out[base + indices[q]] += 1;
    }
  }
}
