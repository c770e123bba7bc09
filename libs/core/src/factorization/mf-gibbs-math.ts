/**
 * Small dense kernels of the Gibbs sampler (`mf-gibbs.ts`): D x D symmetric positive-definite
 * matrices, row-major Float64Array, D ~ 10..50. Written out here rather than taken from
 * ml-matrix because the sampler calls them once per user and per movie per sweep and must not
 * allocate.
 */
import type { Random } from '../random';

/**
 * Cholesky factor of `a` (D x D, SPD) into the lower triangle of `l` (upper part zeroed).
 * Throws RangeError when `a` is not positive definite (cannot happen for the sampler's
 * precision matrices, which are a positive-definite prior plus a Gram matrix).
 */
export function cholesky(a: Float64Array, d: number, l: Float64Array): void {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > 0)) throw new RangeError('matrix is not positive definite');
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j];
      }
    }
    for (let j = i + 1; j < d; j++) l[i * d + j] = 0;
  }
}

/** Solves L y = b in place (`b` becomes y), L lower triangular. */
export function solveLower(l: Float64Array, d: number, b: Float64Array): void {
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * d + k] * b[k];
    b[i] = s / l[i * d + i];
  }
}

/** Solves L^T x = y in place (`y` becomes x), L lower triangular. */
export function solveLowerTransposed(l: Float64Array, d: number, y: Float64Array): void {
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < d; k++) s -= l[k * d + i] * y[k];
    y[i] = s / l[i * d + i];
  }
}

/** A Gamma(shape, 1) sample, shape >= 1 (Marsaglia and Tsang 2000). */
export function gammaSample(random: Random, shape: number): number {
  const dd = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * dd);
  for (;;) {
    const x = random.gaussian();
    const v0 = 1 + c * x;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0;
    const u = random.next();
    if (u > 0 && Math.log(u) < 0.5 * x * x + dd - dd * v + dd * Math.log(v)) return dd * v;
  }
}

/**
 * Samples Lambda ~ Wishart(W, nu) with W = (L L^T)^-1 given the Cholesky factor `l` of W^-1
 * (Bartlett decomposition: with A lower triangular, A_ii = sqrt(chi2(nu - i)), A_ij ~ N(0,1)
 * below the diagonal, and M = L^-T so that W = M M^T, Lambda = (M A)(M A)^T). `scratch` holds
 * D x D numbers. Writes `out`.
 */
export function wishartSample(random: Random, l: Float64Array, d: number, nu: number, scratch: Float64Array, out: Float64Array): void {
  const col = new Float64Array(d);
  // B = L^-T A, column by column (scratch is B, row-major).
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < d; i++) {
      if (i < j) col[i] = 0;
      else if (i === j) col[i] = Math.sqrt(2 * gammaSample(random, (nu - i) / 2));
      else col[i] = random.gaussian();
    }
    solveLowerTransposed(l, d, col);
    for (let i = 0; i < d; i++) scratch[i * d + j] = col[i];
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += scratch[i * d + k] * scratch[j * d + k];
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
}
