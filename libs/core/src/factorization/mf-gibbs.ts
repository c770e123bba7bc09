import { Random } from '../random';
import type { MfModel } from './mf';
import { fitBaseline } from './mf-baseline';
import type { IndexedRatings } from './mf-data';
import { cholesky, gammaSample, solveLower, solveLowerTransposed, wishartSample } from './mf-gibbs-math';

/** Options of the Bayesian (Gibbs-sampled) MF trainer. */
export interface MfGibbsOptions {
  /** Latent factors D per sample. Default 10. */
  factors?: number;
  /** Sweeps discarded before averaging. Default 20. */
  burnIn?: number;
  /** Sweeps averaged after burn-in (the model holds samples x factors columns). Default 60. */
  samples?: number;
  /** Observation precision alpha (1 / noise variance, stars^-2). Default 1.5, tuned on ML-100K (Salakhutdinov and Mnih used 2 on Netflix). */
  alpha?: number;
  /** Seed of the initialisation and of every draw. Default 42. */
  seed?: number;
  /** Called after each sweep with (sweep 1-based, total sweeps). */
  onEpoch?: (epoch: number, epochs: number) => void;
}

/** One side (users or movies) of the factorization: its vectors and its Normal-Wishart hyperparameters. */
interface Side {
  count: number;
  /** count x D, row-major. */
  vectors: Float64Array;
  /** Hyperparameters: mean mu (D) and precision Lambda (D x D). */
  mean: Float64Array;
  precision: Float64Array;
  /** Bias of each vector (stars) and the precision of the biases' N(0, 1/lambda) prior. */
  bias: Float64Array;
  biasPrecision: number;
  /** Ratings grouped by this side's index: start pointers, other side's index, centered ratings r - mu. */
  start: Int32Array;
  other: Int32Array;
  values: Float64Array;
}

/**
 * Bayesian probabilistic matrix factorization (Salakhutdinov and Mnih, ICML 2008) on the
 * residuals of regularized biases: r - (mu + b_u + b_i) ~ N(u . v, 1/alpha), with
 * Normal-Wishart hyperpriors (mu0 = 0, beta0 = 2, nu0 = D, W0 = I) on users and on movies.
 *
 * Gibbs sampling alternates hyperparameters, every user vector, hyperparameters, every movie
 * vector. The prediction is the average over the kept samples of u_s . v_s, which is exactly the
 * dot product of the concatenations [u_1 .. u_S] / sqrt(S) and [v_1 .. v_S] / sqrt(S): the
 * result is an ordinary `MfModel` with S x D factors, served like any other.
 *
 * Averaging the posterior instead of taking one point estimate is what beats SGD on small data
 * such as ML-100K (docs/EVALUATION.md). Deterministic given `seed`.
 * Cost per sweep: O(ratings x D^2 + (users + movies) x D^3).
 */
export function trainMfGibbsIndexed(data: IndexedRatings, options: MfGibbsOptions = {}): MfModel {
  const { factors: d = 10, burnIn = 20, samples = 60, alpha = 1.5, seed = 42, onEpoch } = options;
  const random = new Random(seed);
  const baseline = fitBaseline(data);
  const users = data.userIds.length;
  const movies = data.movieIds.length;
  const n = data.ratings.length;

  const residual = new Float64Array(n);
  for (let u = 0; u < users; u++) {
    for (let p = data.userStart[u]; p < data.userStart[u + 1]; p++) {
      residual[p] = data.ratings[p] - baseline.mu;
    }
  }
  const userSide = makeSide(users, d, data.userStart, data.movies, residual, random);
  const byMovie = transposeGroups(data.userStart, data.movies, residual, movies);
  const movieSide = makeSide(movies, d, byMovie.start, byMovie.other, byMovie.values, random);

  userSide.bias.set(baseline.userBias);
  movieSide.bias.set(baseline.movieBias);
  const userBiasSum = new Float64Array(users);
  const movieBiasSum = new Float64Array(movies);
  const width = samples * d;
  const P = new Float32Array(users * width);
  const Q = new Float32Array(movies * width);
  const scale = 1 / Math.sqrt(samples);
  const work = new Workspace(d);
  const sweeps = burnIn + samples;
  for (let sweep = 1; sweep <= sweeps; sweep++) {
    sampleHyper(userSide, d, random, work);
    sampleVectors(userSide, movieSide, d, alpha, random, work);
    sampleBiases(userSide, movieSide, d, alpha, random);
    sampleHyper(movieSide, d, random, work);
    sampleVectors(movieSide, userSide, d, alpha, random, work);
    sampleBiases(movieSide, userSide, d, alpha, random);
    if (sweep > burnIn) {
      const col = (sweep - burnIn - 1) * d;
      copyColumns(userSide.vectors, users, d, P, width, col, scale);
      copyColumns(movieSide.vectors, movies, d, Q, width, col, scale);
      for (let u = 0; u < users; u++) userBiasSum[u] += userSide.bias[u];
      for (let i = 0; i < movies; i++) movieBiasSum[i] += movieSide.bias[i];
    }
    onEpoch?.(sweep, sweeps);
  }
  return {
    factors: width,
    mu: baseline.mu,
    userIds: data.userIds,
    movieIds: data.movieIds,
    userBias: Float32Array.from(userBiasSum, (b) => b / samples),
    movieBias: Float32Array.from(movieBiasSum, (b) => b / samples),
    P,
    Q,
    minRating: data.minRating,
    maxRating: data.maxRating,
  };
}

/** Scratch buffers reused for every vector draw. */
class Workspace {
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

function makeSide(count: number, d: number, start: Int32Array, other: Int32Array, values: Float64Array, random: Random): Side {
  const vectors = new Float64Array(count * d);
  for (let k = 0; k < vectors.length; k++) vectors[k] = random.gaussian() * 0.1;
  const precision = new Float64Array(d * d);
  for (let k = 0; k < d; k++) precision[k * d + k] = 1;
  return { count, vectors, mean: new Float64Array(d), precision, bias: new Float64Array(count), biasPrecision: 1, start, other, values };
}

/** Regroups (row, col, value) triples stored by row into the same triples by column. */
function transposeGroups(start: Int32Array, cols: Int32Array, values: Float64Array, colCount: number) {
  const n = cols.length;
  const cStart = new Int32Array(colCount + 1);
  for (let p = 0; p < n; p++) cStart[cols[p] + 1]++;
  for (let c = 0; c < colCount; c++) cStart[c + 1] += cStart[c];
  const next = cStart.slice(0, colCount);
  const other = new Int32Array(n);
  const v = new Float64Array(n);
  for (let r = 0; r + 1 < start.length; r++) {
    for (let p = start[r]; p < start[r + 1]; p++) {
      const q = next[cols[p]]++;
      other[q] = r;
      v[q] = values[p];
    }
  }
  return { start: cStart, other, values: v };
}

/**
 * Draws (mu, Lambda) from their Normal-Wishart posterior given the side's vectors
 * (Salakhutdinov and Mnih 2008, eq. 14) with mu0 = 0, beta0 = 2, nu0 = D, W0 = I.
 */
function sampleHyper(side: Side, d: number, random: Random, w: Workspace): void {
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

/**
 * Draws every vector of `side` from its Gaussian conditional given the other side's vectors:
 * precision A = Lambda + alpha sum v v^T, mean = A^-1 (Lambda mu + alpha sum r v).
 * With A = L L^T the draw is L^-T (L^-1 b + z), z ~ N(0, I).
 */
function sampleVectors(side: Side, other: Side, d: number, alpha: number, random: Random, w: Workspace): void {
  const { a, l, b } = w;
  const otherVectors = other.vectors;
  for (let i = 0; i < side.count; i++) {
    for (let k = 0; k < d * d; k++) a[k] = side.precision[k];
    for (let r = 0; r < d; r++) {
      let s = 0;
      for (let c = 0; c < d; c++) s += side.precision[r * d + c] * side.mean[c];
      b[r] = s;
    }
    for (let p = side.start[i]; p < side.start[i + 1]; p++) {
      const o = side.other[p] * d;
      const rv = alpha * (side.values[p] - side.bias[i] - other.bias[side.other[p]]);
      for (let r = 0; r < d; r++) {
        const vr = otherVectors[o + r];
        b[r] += rv * vr;
        const avr = alpha * vr;
        for (let c = 0; c <= r; c++) a[r * d + c] += avr * otherVectors[o + c];
      }
    }
    for (let r = 0; r < d; r++) for (let c = 0; c < r; c++) a[c * d + r] = a[r * d + c];
    cholesky(a, d, l);
    solveLower(l, d, b);
    for (let k = 0; k < d; k++) b[k] += random.gaussian();
    solveLowerTransposed(l, d, b);
    const o = i * d;
    for (let k = 0; k < d; k++) side.vectors[o + k] = b[k];
  }
}

/**
 * Draws every bias of `side` given everything else: b ~ N(alpha sum e / (lambda + alpha n),
 * 1 / (lambda + alpha n)) with e = r - mu - b_other - u . v, then the prior precision
 * lambda ~ Gamma(1 + count / 2, rate 1 + sum b^2 / 2) (a Gamma(1, 1) hyperprior).
 */
function sampleBiases(side: Side, other: Side, d: number, alpha: number, random: Random): void {
  let squares = 0;
  for (let i = 0; i < side.count; i++) {
    const o = i * d;
    let s = 0;
    for (let p = side.start[i]; p < side.start[i + 1]; p++) {
      const q = side.other[p] * d;
      let dot = 0;
      for (let k = 0; k < d; k++) dot += side.vectors[o + k] * other.vectors[q + k];
      s += side.values[p] - other.bias[side.other[p]] - dot;
    }
    const precision = side.biasPrecision + alpha * (side.start[i + 1] - side.start[i]);
    const b = (alpha * s) / precision + random.gaussian() / Math.sqrt(precision);
    side.bias[i] = b;
    squares += b * b;
  }
  side.biasPrecision = gammaSample(random, 1 + side.count / 2) / (1 + squares / 2);
}

/** Writes `rows x d` vectors, scaled, into columns `col .. col+d-1` of a `rows x width` Float32 block. */
function copyColumns(src: Float64Array, rows: number, d: number, dst: Float32Array, width: number, col: number, scale: number): void {
  for (let i = 0; i < rows; i++) for (let k = 0; k < d; k++) dst[i * width + col + k] = src[i * d + k] * scale;
}
