/**
 * Folding a user into a trained biased MF model (`mf.ts`) without retraining: the movie side
 * (mu, b_i, q_i) is held fixed and the user's bias and factors are the ridge solution
 *
 *   x = [b_u, p_u] = argmin sum over rated i of (r_i - mu - b_i - x . z_i)^2 + lambda |x|^2,
 *   z_i = [1, q_i],   so  x = (Z^T Z + lambda I)^-1 Z^T y,  y_i = r_i - mu - b_i.
 *
 * This is one half-step of ALS with the movie factors as trained: the user the model would have
 * learned from this row. Because x is linear in y, the user's part of movie j's score splits
 * exactly into one term per rated movie i: y_i z_j^T (Z^T Z + lambda I)^-1 z_i (the explanation).
 */
import type { MfModel } from '../factorization/mf';
import { cholesky, solveLower, solveLowerTransposed } from '../factorization/mf-gibbs-math';
import type { DenseRatingRow } from './pure-svd-row';

/** Ridge weight of the fold-in (stars^2 per unit of squared bias/factor). Default of `foldInMf`: 1. */
export const MF_FOLD_IN_LAMBDA = 1;

/** A folded-in user: bias, factors, and what explanations need. */
export interface MfFoldedUser {
  /** b_u, stars. */
  bias: number;
  /** p_u, length `model.factors`. */
  p: Float64Array;
  /** Lower Cholesky factor of Z^T Z + lambda I, (f + 1) x (f + 1) row-major. */
  chol: Float64Array;
  /** y_i = r_i - mu - b_i of each rated movie, parallel to the row. */
  residuals: Float64Array;
}

/** Folds `row` (dense movie indices of `model`) into `model`; see the file comment. */
export function foldInMf(model: MfModel, row: DenseRatingRow, lambda = MF_FOLD_IN_LAMBDA): MfFoldedUser {
  const f = model.factors;
  const d = f + 1;
  const a = new Float64Array(d * d);
  const b = new Float64Array(d);
  const z = new Float64Array(d);
  const residuals = new Float64Array(row.movies.length);
  for (let i = 0; i < d; i++) a[i * d + i] = lambda;
  for (let p = 0; p < row.movies.length; p++) {
    const m = row.movies[p];
    fillZ(model, m, z);
    const y = row.ratings[p] - model.mu - model.movieBias[m];
    residuals[p] = y;
    for (let i = 0; i < d; i++) {
      b[i] += y * z[i];
      for (let j = 0; j < d; j++) a[i * d + j] += z[i] * z[j];
    }
  }
  const chol = new Float64Array(d * d);
  cholesky(a, d, chol);
  solveLower(chol, d, b);
  solveLowerTransposed(chol, d, b);
  return { bias: b[0], p: b.slice(1), chol, residuals };
}

/**
 * Each rated movie's term of the folded-in user part (b_u + p_u . q_target) of `target`'s
 * score, stars, parallel to `row.movies`: y_i z_target^T (Z^T Z + lambda I)^-1 z_i. They sum to
 * `folded.bias + folded.p . q_target`.
 */
export function mfFoldInContributions(model: MfModel, row: DenseRatingRow, folded: MfFoldedUser, target: number): Float64Array {
  const d = model.factors + 1;
  // w = (Z^T Z + lambda I)^-1 z_target, once; then each term is y_i (z_i . w).
  const w = new Float64Array(d);
  fillZ(model, target, w);
  solveLower(folded.chol, d, w);
  solveLowerTransposed(folded.chol, d, w);
  const out = new Float64Array(row.movies.length);
  const z = new Float64Array(d);
  for (let p = 0; p < row.movies.length; p++) {
    fillZ(model, row.movies[p], z);
    let s = 0;
    for (let i = 0; i < d; i++) s += z[i] * w[i];
    out[p] = folded.residuals[p] * s;
  }
  return out;
}

/** z = [1, q_m]. */
function fillZ(model: MfModel, m: number, z: Float64Array): void {
  const f = model.factors;
  z[0] = 1;
  for (let c = 0; c < f; c++) z[c + 1] = model.Q[m * f + c];
}
