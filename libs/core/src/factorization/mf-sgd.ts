import { Random } from '../random';
import type { MfModel } from './mf';
import type { IndexedRatings } from './mf-data';

/**
 * Options of the SGD trainer. Defaults are the ones tuned on the ML-100K official splits
 * (docs/EVALUATION.md, "Tuning"); Surprise's SVD defaults are quoted beside each for reference.
 */
export interface MfSgdOptions {
  /** Latent factors f. Default 100 (Surprise: 100). */
  factors?: number;
  /** Passes over the training ratings. Default 100 (Surprise: 20). */
  epochs?: number;
  /** Initial SGD step size. Default 0.005 (Surprise: 0.005). */
  learningRate?: number;
  /** Step size is multiplied by this after every epoch (1 = constant). Default 0.98. */
  learningRateDecay?: number;
  /** L2 weight on the factors p_u, q_i. Default 0.08 (Surprise: 0.02). */
  regularization?: number;
  /** L2 weight on the biases b_u, b_i. Default 0.02 (Surprise: 0.02). */
  biasRegularization?: number;
  /** Standard deviation of the normal initialisation of P and Q. Default 0.1 (Surprise: 0.1). */
  initStd?: number;
  /** Seed of the initialisation and of the per-epoch shuffle. Same seed, same model. Default 42. */
  seed?: number;
  /** Called after each epoch with (epoch 1-based, epochs); for progress bars. */
  onEpoch?: (epoch: number, epochs: number) => void;
}

/** The defaults of `MfSgdOptions`, resolved. */
export const mfSgdDefaults = {
  factors: 100,
  epochs: 100,
  learningRate: 0.005,
  learningRateDecay: 0.98,
  regularization: 0.08,
  biasRegularization: 0.02,
  initStd: 0.1,
  seed: 42,
} as const satisfies Required<Omit<MfSgdOptions, 'onEpoch'>>;

/**
 * Trains a biased MF model (Funk SVD as in Surprise's `SVD`) by stochastic gradient descent on
 * the observed ratings only: for each rating in a seeded random order,
 *
 *   e = r - (mu + b_u + b_i + p_u . q_i)
 *   b_u += lr (e - lambda_b b_u);  b_i += lr (e - lambda_b b_i)
 *   p_u += lr (e q_i - lambda p_u); q_i += lr (e p_u - lambda q_i)
 *
 * with lr decaying geometrically per epoch. Single-threaded and deterministic given `seed`.
 * Cost: O(epochs x ratings x f) time, O((users + movies) x f) memory.
 */
export function trainMfSgdIndexed(data: IndexedRatings, options: MfSgdOptions = {}): MfModel {
  const o = { ...mfSgdDefaults, ...options };
  const f = o.factors;
  const users = data.userIds.length;
  const movies = data.movieIds.length;
  const n = data.ratings.length;
  const random = new Random(o.seed);
  const P = new Float32Array(users * f);
  const Q = new Float32Array(movies * f);
  for (let k = 0; k < P.length; k++) P[k] = random.gaussian() * o.initStd;
  for (let k = 0; k < Q.length; k++) Q[k] = random.gaussian() * o.initStd;
  // Biases are trained in Float64: they carry most of the signal and are few.
  const bu = new Float64Array(users);
  const bi = new Float64Array(movies);
  const userOf = new Int32Array(n);
  for (let u = 0; u < users; u++) userOf.fill(u, data.userStart[u], data.userStart[u + 1]);
  const order = new Int32Array(n);
  for (let t = 0; t < n; t++) order[t] = t;

  const mu = data.mean;
  const lambda = o.regularization;
  const lambdaB = o.biasRegularization;
  let lr = o.learningRate;
  for (let epoch = 1; epoch <= o.epochs; epoch++) {
    random.shuffle(order);
    for (let t = 0; t < n; t++) {
      const p = order[t];
      const u = userOf[p];
      const i = data.movies[p];
      const po = u * f;
      const qo = i * f;
      let dot = 0;
      for (let k = 0; k < f; k++) dot += P[po + k] * Q[qo + k];
      const e = data.ratings[p] - (mu + bu[u] + bi[i] + dot);
      bu[u] += lr * (e - lambdaB * bu[u]);
      bi[i] += lr * (e - lambdaB * bi[i]);
      for (let k = 0; k < f; k++) {
        const pk = P[po + k];
        const qk = Q[qo + k];
        P[po + k] = pk + lr * (e * qk - lambda * pk);
        Q[qo + k] = qk + lr * (e * pk - lambda * qk);
      }
    }
    lr *= o.learningRateDecay;
    o.onEpoch?.(epoch, o.epochs);
  }
  return {
    factors: f,
    mu,
    userIds: data.userIds,
    movieIds: data.movieIds,
    userBias: Float32Array.from(bu),
    movieBias: Float32Array.from(bi),
    P,
    Q,
    minRating: data.minRating,
    maxRating: data.maxRating,
  };
}
