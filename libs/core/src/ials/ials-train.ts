/**
 * iALS in one process: seeded start, then `iterations` alternations of the user half and the
 * movie half, each one `solveIalsBlock` over all rows. The sharded build (the `ials` model kind)
 * runs exactly these steps with each half split into blocks of rows, so for the same seed it
 * produces the same factors: a row's solve reads only the other side and its own previous row.
 */
import type { IndexedRatings } from '../factorization/mf-data';
import { Random } from '../random';
import { buildIalsMatrix, type IalsConfidence, type IalsMatrix } from './ials-data';
import { ialsGram, solveIalsBlock } from './ials-solve';

/**
 * Hyperparameters of iALS. Defaults: issue 14's reference 64 factors and reg 40, with
 * rating-based confidence and alpha 1, 10 iterations and 2 CG steps, chosen on a validation cut
 * of u1.base (`bench/ials-validate.ts`, docs/EVALUATION.md): NDCG@10 0.268 against 0.254 for
 * binary confidence with alpha 3; 10 iterations of 2 steps rank as well as 15 of 3 (0.269 and
 * 0.268) at half the cost.
 */
export interface IalsOptions {
  /** Latent factors. Default 64. */
  factors?: number;
  /** Confidence scale: c = 1 + alpha * w. Default 1. */
  alpha?: number;
  /** Ridge weight on both sides. Default 40. */
  reg?: number;
  /** Alternations (each one user half and one movie half). Default 10. */
  iterations?: number;
  /** w of the confidence (see `IalsConfidence`). Default `rating`. */
  confidence?: IalsConfidence;
  /** CG steps per row and half. Default 2. */
  cgSteps?: number;
  /** Seed of the start factors. Default 42. */
  seed?: number;
  /** Called after each iteration (1-based) with the total. */
  onIteration?: (iteration: number, total: number) => void;
}

/** `IalsOptions` with every default applied. */
export type IalsSettings = Required<Omit<IalsOptions, 'onIteration'>>;

/** The defaults of `IalsOptions`. */
export const IALS_DEFAULTS: IalsSettings = { factors: 64, alpha: 1, reg: 40, iterations: 10, confidence: 'rating', cgSteps: 2, seed: 42 };

/** Trained iALS factors on dense indices. */
export interface IalsModel {
  userIds: Int32Array;
  movieIds: Int32Array;
  k: number;
  /** users x k, row-major. */
  X: Float32Array;
  /** movies x k, row-major. */
  Y: Float32Array;
}

/**
 * Start factors: users at 0 (the first user half solves from Y alone), movies N(0, 0.01^2) from
 * `seed`, the small random start of the `implicit` library.
 */
export function initIalsFactors(users: number, movies: number, k: number, seed: number): { X: Float32Array; Y: Float32Array } {
  const random = new Random(seed);
  const Y = new Float32Array(movies * k);
  for (let i = 0; i < Y.length; i++) Y[i] = 0.01 * random.gaussian();
  return { X: new Float32Array(users * k), Y };
}

/** One half-iteration over all rows of `side`: new factors of that side from the other side's. */
export function ialsHalf(matrix: IalsMatrix, side: 'users' | 'movies', own: Float32Array, other: Float32Array, settings: Pick<IalsSettings, 'factors' | 'reg' | 'cgSteps'>): Float32Array {
  const rows = matrix[side];
  const k = settings.factors;
  const n = other.length / k;
  return solveIalsBlock({ ...rows, other, gram: ialsGram(other, n, k), k, reg: settings.reg, start: 0, end: rows.indptr.length - 1, warm: own, cgSteps: settings.cgSteps });
}

/** Trains iALS on `data` (see the file comment). */
export function trainIals(data: IndexedRatings, options: IalsOptions = {}): IalsModel {
  const s: IalsSettings = { ...IALS_DEFAULTS, ...definedOnly(options) };
  const matrix = buildIalsMatrix(data, s.alpha, s.confidence);
  let { X, Y } = initIalsFactors(data.userIds.length, data.movieIds.length, s.factors, s.seed);
  for (let t = 0; t < s.iterations; t++) {
    X = ialsHalf(matrix, 'users', X, Y, s);
    Y = ialsHalf(matrix, 'movies', Y, X, s);
    options.onIteration?.(t + 1, s.iterations);
  }
  return { userIds: data.userIds, movieIds: data.movieIds, k: s.factors, X, Y };
}

/** The options that are set (an explicit undefined does not override a default). */
function definedOnly(options: IalsOptions): Partial<IalsSettings> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) if (value !== undefined && name !== 'onIteration') out[name] = value;
  return out as Partial<IalsSettings>;
}
