import { distinctIds, findIdIndex, indexRatings, type IndexedRatings } from '../factorization/mf-data';
import { TopN } from '../linalg/top-n';
import type { RatingTable } from '../movielens/types';
import type { Algorithm, FittedModel } from './algorithm';
import type { Split } from './folds';
import { ErrorAccumulator, rankingScores } from './metrics';

/** Length of the ranked lists (the k of precision@k, recall@k, NDCG@k). */
export const TOP_K = 10;
/** A held-out rating at or above this many stars is a relevant item for the ranking metrics. */
export const RELEVANT_STARS = 4;

/** Metrics of one algorithm, the mean over folds. */
export interface AlgorithmResult {
  algorithm: string;
  /** Root mean squared error of the predicted held-out ratings (stars). */
  rmse: number;
  /** Mean absolute error (stars). */
  mae: number;
  'precision@10': number;
  'recall@10': number;
  'ndcg@10': number;
  /** Share of the catalogue (movies in train or test) that appears in at least one user's top 10. */
  coverage: number;
  /** Wall time to train, seconds. */
  fitSeconds: number;
  /** Wall time to predict every held-out rating and rank every movie for every test user, seconds. */
  predictSeconds: number;
}

/** Progress of `crossValidate`: one event per finished step. */
export interface ProgressEvent {
  /** 0-based fold being run, and the number of folds. */
  fold: number;
  folds: number;
  /** Steps done in this fold (fit and evaluate count separately, fractions while training) and their total. */
  done: number;
  total: number;
  /** What runs now, e.g. `mf: fit`. */
  label: string;
}

/** Options of `crossValidate`. */
export interface CrossValidateOptions {
  /** Milliseconds from any fixed origin (e.g. `performance.now`); the core has no clock of its own. */
  now: () => number;
  /** Seed given to randomized algorithms. Default 42. */
  seed?: number;
  onProgress?: (event: ProgressEvent) => void;
}

/**
 * Trains and scores every algorithm on every split and returns the per-algorithm means over
 * the folds, in the order of `algorithms`.
 *
 * Ranking protocol: for each test user known in training, every movie of the training set that
 * the user did not rate in training is scored (full ranking, no sampled negatives) and the top 10
 * kept. Relevant items are the user's held-out ratings >= 4 stars. Precision@10 is averaged over
 * all test users known in training; recall@10 and NDCG@10 over those with at least one relevant
 * item. Held-out movies unseen in training cannot be ranked but still count as relevant.
 */
export function crossValidate(splits: Split[], algorithms: Algorithm[], options: CrossValidateOptions): AlgorithmResult[] {
  const { now, seed = 42, onProgress } = options;
  const sums = algorithms.map((a) => emptyResult(a.name));
  splits.forEach((split, fold) => {
    const data = indexRatings(split.train);
    const test = groupTest(split.test, data);
    const catalogue = catalogueSize(split.train, split.test);
    const total = algorithms.length * 2;
    algorithms.forEach((algorithm, a) => {
      const report = (done: number, phase: string) =>
        onProgress?.({ fold, folds: splits.length, done, total, label: `${algorithm.name}: ${phase}` });
      report(2 * a, 'fit');
      let t0 = now();
      const model = algorithm.fit({ table: split.train, data, seed, onProgress: (x) => report(2 * a + x, 'fit') });
      const fitSeconds = (now() - t0) / 1000;
      report(2 * a + 1, 'evaluate');
      t0 = now();
      const metrics = evaluateFold(model, data, test, catalogue);
      const predictSeconds = (now() - t0) / 1000;
      report(2 * a + 2, 'done');
      const s = sums[a];
      s.rmse += metrics.rmse;
      s.mae += metrics.mae;
      s['precision@10'] += metrics.precision;
      s['recall@10'] += metrics.recall;
      s['ndcg@10'] += metrics.ndcg;
      s.coverage += metrics.coverage;
      s.fitSeconds += fitSeconds;
      s.predictSeconds += predictSeconds;
    });
  });
  const k = splits.length;
  return sums.map((s) => ({
    algorithm: s.algorithm,
    rmse: s.rmse / k,
    mae: s.mae / k,
    'precision@10': s['precision@10'] / k,
    'recall@10': s['recall@10'] / k,
    'ndcg@10': s['ndcg@10'] / k,
    coverage: s.coverage / k,
    fitSeconds: s.fitSeconds / k,
    predictSeconds: s.predictSeconds / k,
  }));
}

/** Held-out ratings on training indices, grouped by user index (-1 = unseen in training). */
export interface TestSet {
  /** Training user index of each test rating, sorted ascending (-1 first). */
  users: Int32Array;
  /** Training movie index of each test rating (-1 = unseen), same order. */
  movies: Int32Array;
  /** Stars, same order. */
  ratings: Float32Array;
}

/** Maps a test table onto the training indices and sorts it by user. */
export function groupTest(test: RatingTable, data: IndexedRatings): TestSet {
  const n = test.length;
  const userOf = new Int32Array(n);
  for (let t = 0; t < n; t++) userOf[t] = findIdIndex(data.userIds, test.users[t]);
  const order = Array.from({ length: n }, (_, t) => t).sort((a, b) => userOf[a] - userOf[b] || a - b);
  const users = new Int32Array(n);
  const movies = new Int32Array(n);
  const ratings = new Float32Array(n);
  order.forEach((t, k) => {
    users[k] = userOf[t];
    movies[k] = findIdIndex(data.movieIds, test.movies[t]);
    ratings[k] = test.ratings[t];
  });
  return { users, movies, ratings };
}

/** Metrics of one fitted model on one fold. */
export interface FoldMetrics {
  rmse: number;
  mae: number;
  precision: number;
  recall: number;
  ndcg: number;
  coverage: number;
}

/**
 * Scores one fitted model on one fold's test set (see `crossValidate` for the protocol).
 * `catalogueSize` is the coverage denominator. NaN ranking metrics when no user qualifies.
 */
export function evaluateFold(model: FittedModel, data: IndexedRatings, test: TestSet, catalogueSize: number): FoldMetrics {
  const errors = new ErrorAccumulator();
  for (let t = 0; t < test.users.length; t++) errors.add(model.predict(test.users[t], test.movies[t]), test.ratings[t]);
  const [ranking] = evaluateRanking(model, data, test, [null]);
  return { rmse: errors.rmse(), mae: errors.mae(), precision: ranking.precision, recall: ranking.recall, ndcg: ranking.ndcg, coverage: ranking.covered / catalogueSize };
}

/** Ranking metrics of one variant of a model's scores on a test set. */
export interface RankingMetrics {
  precision: number;
  recall: number;
  ndcg: number;
  /** Distinct movies in anyone's top 10. */
  covered: number;
}

/**
 * Changes one user's scores of every training movie in place (e.g. `applyLikedPrior`) before
 * they are ranked; null ranks the model's own scores.
 */
export type ScoreVariant = ((scores: Float64Array) => void) | null;

/**
 * The ranking metrics of `model` under each of `variants`, scoring every test user once: each
 * variant ranks its own copy of the user's scores (the rated movies are left out after the
 * variant ran, so a variant sees the whole catalogue, as a served scorer does).
 */
export function evaluateRanking(model: FittedModel, data: IndexedRatings, test: TestSet, variants: readonly ScoreVariant[]): RankingMetrics[] {
  const movies = data.movieIds.length;
  const scores = new Float64Array(movies);
  const work = new Float64Array(movies);
  const relevant = new Uint8Array(movies);
  const top = new TopN(TOP_K);
  const ranked = new Int32Array(TOP_K);
  const rankedScores = new Float64Array(TOP_K);
  const tallies = variants.map(() => ({ recommended: new Uint8Array(movies), precision: 0, recall: 0, ndcg: 0 }));
  let rankedUsers = 0;
  let relevantUsers = 0;
  for (let start = 0; start < test.users.length; ) {
    const user = test.users[start];
    let end = start;
    while (end < test.users.length && test.users[end] === user) end++;
    if (user >= 0) {
      let relevantCount = 0;
      for (let t = start; t < end; t++) {
        if (test.ratings[t] >= RELEVANT_STARS) {
          relevantCount++;
          if (test.movies[t] >= 0) relevant[test.movies[t]] = 1;
        }
      }
      model.scoreAll(user, scores);
      rankedUsers++;
      if (relevantCount > 0) relevantUsers++;
      variants.forEach((variant, v) => {
        work.set(scores);
        variant?.(work);
        for (let p = data.userStart[user]; p < data.userStart[user + 1]; p++) work[data.movies[p]] = Number.NaN;
        top.reset();
        for (let i = 0; i < movies; i++) top.offer(i, work[i]);
        top.drainInto(ranked, rankedScores, 0);
        const tally = tallies[v];
        for (let r = 0; r < TOP_K; r++) if (ranked[r] >= 0) tally.recommended[ranked[r]] = 1;
        const s = rankingScores(ranked, (m) => relevant[m] === 1, relevantCount, TOP_K);
        tally.precision += s.precision;
        if (relevantCount > 0) {
          tally.recall += s.recall;
          tally.ndcg += s.ndcg;
        }
      });
      for (let t = start; t < end; t++) if (test.movies[t] >= 0) relevant[test.movies[t]] = 0;
    }
    start = end;
  }
  return tallies.map((t) => {
    let covered = 0;
    for (let i = 0; i < movies; i++) covered += t.recommended[i];
    return { precision: t.precision / rankedUsers, recall: t.recall / relevantUsers, ndcg: t.ndcg / relevantUsers, covered };
  });
}

/** Number of distinct movies in training and test together. */
function catalogueSize(train: RatingTable, test: RatingTable): number {
  const all = new Int32Array(train.length + test.length);
  all.set(train.movies.subarray(0, train.length), 0);
  all.set(test.movies.subarray(0, test.length), train.length);
  return distinctIds(all, all.length).length;
}

function emptyResult(algorithm: string): AlgorithmResult {
  return { algorithm, rmse: 0, mae: 0, 'precision@10': 0, 'recall@10': 0, 'ndcg@10': 0, coverage: 0, fitSeconds: 0, predictSeconds: 0 };
}
