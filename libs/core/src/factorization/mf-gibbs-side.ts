/**
 * The state the Gibbs sampler (`mf-gibbs.ts`) keeps per group of latent vectors, and the draw
 * of a group's Normal-Wishart hyperparameters. Shared by the user and movie sides and by the
 * implicit-feedback factors (`mf-gibbs-implicit.ts`).
 */
import type { Random } from '../random';
import { cholesky, solveLowerTransposed, wishartSample } from './mf-gibbs-math';

/** A group of `count` D-vectors with a Gaussian prior N(mean, precision^-1). */
export interface VectorGroup {
  count: number;
  /** count x D, row-major. */
  vectors: Float64Array;
  /** Hyperparameters: mean mu (D) and precision Lambda (D x D, row-major). */
  mean: Float64Array;
  precision: Float64Array;
}

/** One side (users or movies) of the factorization: its vectors, biases and ratings. */
export interface Side extends VectorGroup {
  /**
   * The vectors the other side sees: `vectors` plus this side's implicit term (SVD++'s
   * |N(u)|^-1/2 sum y_j for users). The same array as `vectors` when there is no such term.
   */
  effective: Float64Array;
  /** The implicit term by row (count x D), or null when the side has none. */
  offset: Float64Array | null;
  /** Bias of each vector (stars) and the precision of the biases' N(0, 1/lambda) prior. */
  bias: Float64Array;
  biasPrecision: number;
  /** Ratings grouped by this side's index: start pointers, other side's index, centered ratings r - mu. */
  start: Int32Array;
  other: Int32Array;
  values: Float64Array;
}

/** Scratch buffers reused for every vector draw. */
export class Workspace {
  readonly a: Float64Array;
  readonly l: Float64Array;
  readonly b: Float64Array;
  readonly z: Float64Array;
  readonly scratch: Float64Array;
  constructor(d: number) {
    this.a = new Float64Array(d * d);
    this.l = new Float64Array(d * d);
    this.b = new Float64Array(d);
    this.z = new Float64Array(d);
    this.scratch = new Float64Array(d * d);
  }
}

/** `count x d` values drawn from N(0, 0.1^2): the starting point of every group of vectors. */
export function initialVectors(count: number, d: number, random: Random): Float64Array {
  const vectors = new Float64Array(count * d);
  for (let k = 0; k < vectors.length; k++) vectors[k] = random.gaussian() * 0.1;
  return vectors;
}

/** The identity prior (mean 0, precision I) a group starts from before its first hyperparameter draw. */
export function identityPrior(d: number): { mean: Float64Array; precision: Float64Array } {
  const precision = new Float64Array(d * d);
  for (let k = 0; k < d; k++) precision[k * d + k] = 1;
  return { mean: new Float64Array(d), precision };
}

/**
 * Draws (mu, Lambda) from their Normal-Wishart posterior given the group's vectors
 * (Salakhutdinov and Mnih 2008, eq. 14) with mu0 = 0, beta0 = 2, nu0 = D, W0 = I.
 */
export function sampleHyper(side: VectorGroup, d: number, random: Random, w: Workspace): void {
  const beta0 = 2;
  const nCount = side.count;
  const mean = new Float64Array(d);
  for (let i = 0; i < nCount; i++) for (let k = 0; k < d; k++) mean[k] += side.vectors[i * d + k];
  for (let k = 0; k < d; k++) mean[k] /= nCount;
  // W*^-1 = W0^-1 + N S + beta0 N / (beta0 + N) xbar xbar^T, with N S = sum (x - xbar)(x - xbar)^T.
  const wInv = w.a;
  wInv.fill(0);
  for (let i = 0; i < nCount; i++) {
    const o = i * d;
    for (let r = 0; r < d; r++) {
      const xr = side.vectors[o + r] - mean[r];
      for (let c = 0; c <= r; c++) wInv[r * d + c] += xr * (side.vectors[o + c] - mean[c]);
    }
  }
  const shrink = (beta0 * nCount) / (beta0 + nCount);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c <= r; c++) {
      const v = wInv[r * d + c] + shrink * mean[r] * mean[c] + (r === c ? 1 : 0);
      wInv[r * d + c] = v;
      wInv[c * d + r] = v;
    }
  }
  cholesky(wInv, d, w.l);
  wishartSample(random, w.l, d, d + nCount, w.scratch, side.precision);
  // mu ~ N(mu*, (beta* Lambda)^-1), mu* = N xbar / (beta0 + N).
  const betaStar = beta0 + nCount;
  for (let k = 0; k < d * d; k++) w.a[k] = betaStar * side.precision[k];
  cholesky(w.a, d, w.l);
  for (let k = 0; k < d; k++) w.z[k] = random.gaussian();
  solveLowerTransposed(w.l, d, w.z);
  for (let k = 0; k < d; k++) side.mean[k] = (nCount * mean[k]) / betaStar + w.z[k];
}
