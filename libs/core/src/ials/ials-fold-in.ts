/**
 * Folding one row into trained iALS factors with an exact solve, and the explanation that comes
 * with it (Hu, Koren, Volinsky 2008, section 5). With W = (Y^T Y + reg I + sum_i e_i y_i y_i^T)^-1
 * the folded factors are x = W sum_i c_i y_i, so a movie j's score splits exactly into one term
 * per rated movie i:
 *
 *   y_j . x = sum_i c_i (y_j^T W y_i)
 *
 * and c_i y_j^T W y_i is rated movie i's share (item-item similarity through the factors,
 * weighted by the user's own confidence in i).
 */
import { cholesky, solveLower, solveLowerTransposed } from '../factorization/mf-gibbs-math';

/** A row folded in: its factors and the Cholesky factor of its matrix (for explanations). */
export interface IalsFoldedRow {
  /** x, length k. */
  x: Float64Array;
  /** Lower Cholesky factor of Y^T Y + reg I + sum_i e_i y_i y_i^T, k x k row-major. */
  chol: Float64Array;
}

/** An observed row: dense indices on the factor side and c - 1 of each. */
export interface IalsRowEntries {
  indices: ArrayLike<number>;
  extra: ArrayLike<number>;
}

/**
 * Solves the row's system exactly (Cholesky). `y` holds the other side's factors (n x k),
 * `gram` = `ialsGram(y)`; `reg` is added to the diagonal.
 */
export function foldInIals(y: Float32Array, gram: Float64Array, k: number, reg: number, row: IalsRowEntries): IalsFoldedRow {
  const a = Float64Array.from(gram);
  const b = new Float64Array(k);
  for (let d = 0; d < k; d++) a[d * k + d] += reg;
  for (let q = 0; q < row.indices.length; q++) {
    const base = row.indices[q] * k;
    const e = row.extra[q];
    for (let i = 0; i < k; i++) {
      const yi = y[base + i];
      b[i] += (1 + e) * yi;
      const w = e * yi;
      for (let j = 0; j < k; j++) a[i * k + j] += w * y[base + j];
    }
  }
  const chol = new Float64Array(k * k);
  cholesky(a, k, chol);
  solveLower(chol, k, b);
  solveLowerTransposed(chol, k, b);
  return { x: b, chol };
}

/**
 * Each rated movie's share c_i y_j^T W y_i of movie `j`'s score for the folded row, parallel to
 * `row.indices`; the shares sum to y_j . x (up to rounding).
 */
export function ialsContributions(y: Float32Array, k: number, folded: IalsFoldedRow, row: IalsRowEntries, j: number): Float64Array {
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) z[i] = y[j * k + i];
  solveLower(folded.chol, k, z);
  solveLowerTransposed(folded.chol, k, z);
  const out = new Float64Array(row.indices.length);
  for (let q = 0; q < row.indices.length; q++) {
    const base = row.indices[q] * k;
    let dot = 0;
    for (let i = 0; i < k; i++) dot += z[i] * y[base + i];
    out[q] = (1 + row.extra[q]) * dot;
  }
  return out;
}
