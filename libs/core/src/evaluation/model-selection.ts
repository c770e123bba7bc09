/**
 * Model selection on a validation split of the training ratings: every candidate (a model and
 * the parameters it was built with) is fitted on the rest and scored by NDCG@10 with full
 * ranking (the `crossValidate` protocol: every training movie the user did not rate is ranked,
 * relevant = a held-out rating >= 4 stars); the best score wins, ties to the earlier candidate.
 * Deterministic for a given table, candidates and seed.
 */
import { indexRatings } from '../factorization/mf-data';
import type { RatingTable } from '../movielens/types';
import type { Algorithm } from './algorithm';
import { evaluateRanking, groupTest } from './cross-validate';
import { applyLikedPrior, likedPrior } from './liked-prior';
import { Random } from '../random';
import { selectRows, type Split } from './folds';
import { sampleTestUsers } from './test-sample';

/** Share of each user's ratings held out for validation (their latest by time). Default of `validationSplit`: 0.1. */
export const VALIDATION_FRACTION = 0.1;

/**
 * The validation split: each user's last `fraction` of ratings by timestamp (ties: later input
 * rows count as later), rounded up so at least one, are held out; users with a single rating
 * keep it in training (holding it out would leave them unknown there).
 */
export function validationSplit(table: RatingTable, fraction = VALIDATION_FRACTION): Split {
  const n = table.length;
  const order = Array.from({ length: n }, (_, t) => t).sort((a, b) => table.users[a] - table.users[b] || table.timestamps[a] - table.timestamps[b] || a - b);
  const train: number[] = [];
  const test: number[] = [];
  for (let start = 0; start < n; ) {
    let end = start;
    while (end < n && table.users[order[end]] === table.users[order[start]]) end++;
    const count = end - start;
    const held = count < 2 ? 0 : Math.max(1, Math.ceil(count * fraction));
    for (let p = start; p < end - held; p++) train.push(order[p]);
    for (let p = end - held; p < end; p++) test.push(order[p]);
    start = end;
  }
  return { train: selectRows(table, Int32Array.from(train)), test: selectRows(table, Int32Array.from(test)) };
}

/**
 * The random validation split, for parity with an evaluation protocol of random test ratings
 * (ML-100K's u1..u5): of each user's ratings, `fraction` drawn at random (seeded, `seed`) are
 * held out, rounded up so at least one; users with a single rating keep it. A live service
 * should use {@link validationSplit}: the latest ratings are what it has to predict.
 */
export function randomValidationSplit(table: RatingTable, fraction: number, seed: number): Split {
  const n = table.length;
  const order = Array.from({ length: n }, (_, t) => t).sort((a, b) => table.users[a] - table.users[b] || a - b);
  const random = new Random(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (let start = 0; start < n; ) {
    let end = start;
    while (end < n && table.users[order[end]] === table.users[order[start]]) end++;
    const rows = order.slice(start, end);
    const held = rows.length < 2 ? 0 : Math.max(1, Math.ceil(rows.length * fraction));
    // Partial Fisher-Yates: the first `held` rows are a uniform sample of the user's ratings.
    for (let i = 0; i < held; i++) {
      const j = i + random.int(rows.length - i);
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    test.push(...rows.slice(0, held));
    train.push(...rows.slice(held));
    start = end;
  }
  const sorted = (xs: number[]) => Int32Array.from(xs).sort();
  return { train: selectRows(table, sorted(train)), test: selectRows(table, sorted(test)) };
}

/** One model to try: its name, the parameters it stands for, and the algorithm fitted with them. */
export interface SelectionCandidate {
  /** Who it belongs to (a model kind), e.g. `svd`. */
  name: string;
  /** The parameters of this grid point, e.g. `{ k: 50 }`. */
  params: Readonly<Record<string, number>>;
  algorithm: Algorithm;
  /**
   * Weights of the liked prior (`liked-prior.ts`) the fit is ranked with: one score per weight,
   * its params with `liked` set, all from one fit and one scoring of each user. Default: none
   * (one score, the model's own ranking, params as given).
   */
  likedWeights?: readonly number[];
}

/** A candidate's validation result. */
export interface SelectionScore {
  name: string;
  params: Readonly<Record<string, number>>;
  /** NDCG@10 on the validation split (NaN when no held-out user has a relevant rating). */
  ndcg: number;
  /** Precision@10 on the validation split. */
  precision: number;
  /** Fit and scoring wall time, ms (as measured by the caller's clock); shared by the liked weights of one fit. */
  ms: number;
  /** The fit's share of `ms`, ms (the rest is ranking the validation users). */
  fitMs: number;
}

/** Options of `validationScorer`. */
export interface ValidationOptions {
  /** Seed given to every fit. */
  seed: number;
  /** Milliseconds from any origin; the core has no clock. */
  now: () => number;
  /**
   * Held-out users scored per candidate, at most: a seeded sample (`seed`) of this many when
   * there are more (the same users for every candidate). Default `VALIDATION_MAX_USERS` (2,000).
   */
  maxUsers?: number;
}

/**
 * Default cap on the validation users ranked per candidate. On the ML-1M shape (6,040 users)
 * ranking every user was more than half of an EASE grid point's time; every candidate is ranked
 * on the same sampled users, so they are compared on equal terms. ML-100K (943) is not sampled.
 */
export const VALIDATION_MAX_USERS = 2000;

/**
 * A scorer of candidates on `split`: the training ratings are indexed and the held-out ones
 * grouped once, then each call fits one candidate and scores it (see the file comment), once
 * per liked weight of the candidate.
 */
export function validationScorer(split: Split, options: ValidationOptions): (candidate: SelectionCandidate) => SelectionScore[] {
  const data = indexRatings(split.train);
  const test = sampleTestUsers(groupTest(split.test, data), options.maxUsers ?? VALIDATION_MAX_USERS, options.seed);
  let prior: Float64Array | null = null;
  return (c) => {
    const weights = c.likedWeights;
    if (weights !== undefined) prior ??= likedPrior(data);
    const t0 = options.now();
    const model = c.algorithm.fit({ table: split.train, data, seed: options.seed });
    const t1 = options.now();
    const p = prior;
    const variants = p === null || weights === undefined ? [null] : weights.map((w) => (w === 0 ? null : (scores: Float64Array) => applyLikedPrior(scores, p, w)));
    const metrics = evaluateRanking(model, data, test, variants);
    const ms = options.now() - t0;
    return metrics.map((m, v) => ({ name: c.name, params: weights === undefined ? c.params : { ...c.params, liked: weights[v] }, ndcg: m.ndcg, precision: m.precision, ms, fitMs: t1 - t0 }));
  };
}

/** Index of the best NDCG among `scores` (ties: the earlier), -1 when none is finite. */
export function bestScore(scores: readonly SelectionScore[]): number {
  let best = -1;
  scores.forEach((s, i) => {
    if (Number.isFinite(s.ndcg) && (best < 0 || s.ndcg > scores[best].ndcg)) best = i;
  });
  return best;
}

/** The scores of every candidate, in order, and the index of the best (-1 when none scored). */
export interface SelectionResult {
  scores: SelectionScore[];
  best: number;
}

/** Fits and scores every candidate on `split`, one after another (one score per liked weight of each, in order). */
export function selectModel(split: Split, candidates: readonly SelectionCandidate[], options: ValidationOptions): SelectionResult {
  const score = validationScorer(split, options);
  const scores = candidates.flatMap((c) => score(c));
  return { scores, best: bestScore(scores) };
}
