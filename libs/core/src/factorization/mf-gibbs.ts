import { Random } from '../random';
import type { MfModel } from './mf';
import { fitBaseline } from './mf-baseline';
import type { IndexedRatings } from './mf-data';
import { ImplicitFactors } from './mf-gibbs-implicit';
import { gammaSample } from './mf-gibbs-math';
import { MfGibbsPool, sharedFloat64, sharedInt32 } from './mf-gibbs-pool';
import { MOVIE_SIDE, USER_SIDE } from './mf-gibbs-rows';
import { identityPrior, initialVectors, sampleHyper, Workspace, type Side } from './mf-gibbs-side';

/** Which sides of the Gibbs-sampled MF get an implicit-feedback term (see `MfGibbsOptions.implicit`). */
export type MfImplicit = 'none' | 'users' | 'movies' | 'both';

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
  /**
   * SVD++-style implicit feedback (`mf-gibbs-implicit.ts`): `users` adds to each user's vector
   * a sum of vectors of the movies they rated, `movies` adds to each movie's a sum of vectors of
   * the users who rated it ("flipped"), `both` does both, `none` is plain Bayesian MF. Default
   * `both`: ML-100K u1..u5 RMSE 0.9008 (none), 0.8954 (users), 0.8858 (movies), 0.8819 (both),
   * docs/EVALUATION.md. Each side costs about one more half-sweep.
   */
  implicit?: MfImplicit;
  /** Seed of the initialisation and of every draw. Default 42. */
  seed?: number;
  /**
   * Threads drawing the vectors of each half-sweep, this one included (`mf-gibbs-pool.ts`);
   * the biases, hyperparameters and implicit terms stay on this thread. The model does not
   * depend on it (bit for bit). Default 1: no thread is started.
   */
  threads?: number;
  /** Called once at the end with the rows that helper threads drew or summarised (0 with one thread). */
  onHelperRows?: (rows: number) => void;
  /** Called after each sweep with (sweep 1-based, total sweeps). */
  onEpoch?: (epoch: number, epochs: number) => void;
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
 * With `implicit` (default `both`) the user vector seen by the movies is u_u + |N(u)|^-1/2
 * sum_{j in N(u)} y_j (SVD++, Koren 2008) and the movie vector v_i + |R(i)|^-1/2 sum_{u in R(i)}
 * x_u (the "flipped" form), each y_j and x_u sampled under its own Normal-Wishart prior
 * (`mf-gibbs-implicit.ts`); the stored factors have these terms folded in.
 *
 * Averaging the posterior instead of taking one point estimate is what beats SGD on small data
 * such as ML-100K (docs/EVALUATION.md). Deterministic given `seed`.
 * Cost per sweep: O(ratings x D^2 + (users + movies) x D^3).
 */
export function trainMfGibbsIndexed(data: IndexedRatings, options: MfGibbsOptions = {}): MfModel {
  const { factors: d = 10, burnIn = 20, samples = 60, alpha = 1.5, implicit = 'both', seed = 42, threads = 1, onEpoch } = options;
  const random = new Random(seed);
  const baseline = fitBaseline(data);
  const users = data.userIds.length;
  const movies = data.movieIds.length;
  const n = data.ratings.length;

  // Shared memory throughout: helper threads read and write the sides in place.
  const residual = new Float64Array(new SharedArrayBuffer(n * 8));
  for (let u = 0; u < users; u++) {
    for (let p = data.userStart[u]; p < data.userStart[u + 1]; p++) {
      residual[p] = data.ratings[p] - baseline.mu;
    }
  }
  const userSide = makeSide(users, d, data.userStart, data.movies, residual, random);
  const byMovie = transposeGroups(data.userStart, data.movies, residual, movies);
  const movieSide = makeSide(movies, d, byMovie.start, byMovie.other, byMovie.values, random);

  // Drawn after both sides so that the sides' starting vectors are those of a model without it.
  const implicitFactors = implicit === 'users' || implicit === 'both' ? new ImplicitFactors(userSide, movies, d, random) : null;
  const implicitMovieFactors = implicit === 'movies' || implicit === 'both' ? new ImplicitFactors(movieSide, users, d, random) : null;
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
  // The rows' random streams are named by the seed as a 32-bit word (as `Random` reads it).
  const seedWord = seed | 0;
  const summaries = [implicitFactors, implicitMovieFactors].map((f) => (f === null ? null : { gram: f.gram, grad: f.grad }));
  const pool = new MfGibbsPool([userSide, movieSide], [summaries[0], summaries[1]], d, alpha, threads);
  try {
    for (let sweep = 1; sweep <= sweeps; sweep++) {
      sampleHyper(userSide, d, random, work);
      pool.halfSweep({ seed: seedWord, sweep, side: USER_SIDE });
      sampleBiases(userSide, movieSide, d, alpha, random);
      sampleHyper(movieSide, d, random, work);
      pool.halfSweep({ seed: seedWord, sweep, side: MOVIE_SIDE });
      sampleBiases(movieSide, userSide, d, alpha, random);
      if (implicitFactors !== null) {
        pool.summarise(USER_SIDE);
        implicitFactors.sampleSummarised(userSide, movieSide, alpha, random, work);
      }
      if (implicitMovieFactors !== null) {
        pool.summarise(MOVIE_SIDE);
        implicitMovieFactors.sampleSummarised(movieSide, userSide, alpha, random, work);
      }
      if (sweep > burnIn) {
        const col = (sweep - burnIn - 1) * d;
        // The stored factors are the effective ones (implicit terms folded in), so serving needs no y_j.
        copyColumns(userSide.effective, users, d, P, width, col, scale);
        copyColumns(movieSide.effective, movies, d, Q, width, col, scale);
        for (let u = 0; u < users; u++) userBiasSum[u] += userSide.bias[u];
        for (let i = 0; i < movies; i++) movieBiasSum[i] += movieSide.bias[i];
      }
      onEpoch?.(sweep, sweeps);
    }
  } finally {
    pool.finish();
  }
  options.onHelperRows?.(pool.helped);
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

function makeSide(count: number, d: number, start: Int32Array, other: Int32Array, values: Float64Array, random: Random): Side {
  const vectors = sharedFloat64(initialVectors(count, d, random));
  const prior = identityPrior(d);
  return {
    count, vectors, effective: vectors, offset: null, mean: sharedFloat64(prior.mean), precision: sharedFloat64(prior.precision),
    bias: sharedFloat64(new Float64Array(count)), biasPrecision: 1, start: sharedInt32(start), other: sharedInt32(other), values: sharedFloat64(values),
  };
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
 * Draws every bias of `side` given everything else: b ~ N(alpha sum e / (lambda + alpha n),
 * 1 / (lambda + alpha n)) with e = r - mu - b_other - u . v (effective vectors), then the prior precision
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
      for (let k = 0; k < d; k++) dot += side.effective[o + k] * other.effective[q + k];
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
