/**
 * Next-movie evaluation, leave-last-out (as in SASRec/BERT4Rec papers, but ranked over ALL
 * movies rather than 100 sampled negatives, which Krichene & Rendle 2020 show can reorder
 * models): for every user with at least 2 ratings, the last rating by timestamp is the
 * target and everything else is training data. Each algorithm fits on the training ratings,
 * scores every movie for every user, the user's training movies are removed from the
 * ranking, and the target's rank gives
 *
 *   HR@10   = share of users whose target is in the top 10
 *   NDCG@10 = mean of 1 / log2(rank + 1) over users whose target is in the top 10 (rank 1-based)
 *
 * Ties are counted against the target (rank = 1 + movies scoring >= the target), so a
 * constant scorer gets no credit. A target movie that no training rating mentions cannot be
 * scored by any algorithm and ranks last.
 */
import { movieVectors } from '../similarity/top-k-similar';
import { normalizeRows } from '../linalg/dense-matrix';
import type { RatingTable } from '../movielens/types';
import { allocateRatingTable } from '../movielens/packing';
import { buildRatingMatrix } from '../sparse/rating-matrix';
import { truncatedSvd } from '../factorization/truncated-svd';
import { scoreAllMf } from '../factorization/mf';
import { trainMf, type MfOptions } from '../factorization/mf-train';
import { LstmPredictor } from '../sequence/predictor';
import type { LstmModel } from '../sequence/model';
import { buildUserSequences, denseIndex, type UserSequences } from '../sequence/sequences';
import { trainLstm, type LstmTrainOptions } from '../sequence/train';

/** The algorithms compared; `lstm` is the sequence model of sequence/. */
export const NEXT_MOVIE_ALGORITHMS = ['popularity', 'last-item-similar', 'mf', 'lstm'] as const;
/** One algorithm name. */
export type NextMovieAlgorithm = (typeof NEXT_MOVIE_ALGORITHMS)[number];

/** One result row (the JSON printed by `movielens evaluate --task next-movie --json`). */
export interface NextMovieRow {
  algorithm: NextMovieAlgorithm;
  /** Hit rate at 10, in [0, 1]. */
  'hr@10': number;
  /** NDCG at 10, in [0, 1]. */
  'ndcg@10': number;
  /** Wall time of fitting on the training ratings, seconds (scoring not included). */
  fitSeconds: number;
  /** Users evaluated (those with at least 2 ratings). */
  users: number;
}

/** Progress of one algorithm: fitting, then scoring users. */
export interface NextMovieProgress {
  algorithm: NextMovieAlgorithm;
  phase: 'fit' | 'score';
  /** Units done: epochs while fitting (when known), users while scoring. */
  done: number;
  total: number;
}

/** Options of evaluateNextMovie. */
export interface NextMovieOptions {
  /** Algorithms to run, in this order; default all of NEXT_MOVIE_ALGORITHMS. */
  algorithms?: readonly NextMovieAlgorithm[];
  /** Seed of every trained algorithm; default 42. */
  seed?: number;
  /** Clock in milliseconds (e.g. `() => performance.now()`): the core reads no clock itself. Default: fitSeconds = 0. */
  now?: () => number;
  /** Progress callback. */
  onProgress?: (progress: NextMovieProgress) => void;
  /** LSTM training options (seed is taken from `seed` unless given here). */
  lstm?: LstmTrainOptions;
  /** MF training options (seed is taken from `seed` unless given here). */
  mf?: MfOptions;
  /** Rank of the PureSVD used by `last-item-similar`; default 64. */
  svdRank?: number;
  /**
   * The LSTM reads only each user's last `lstmMaxSteps` training movies, as POST
   * /sessions/next does with SESSION_MAX_STEPS (the whole history is still excluded from
   * the ranking); default: the whole history.
   */
  lstmMaxSteps?: number;
}

/** Training data of the split: the table without each user's last rating, plus the targets. */
export interface LeaveLastOutSplit {
  /** Full-table sequences (dense movie indices over every movie of the table). */
  sequences: UserSequences;
  /** Training ratings (all rows except the targets). */
  train: RatingTable;
  /** Evaluated users (dense user indices). */
  users: Int32Array;
}

/** Fills `out` (length = all movies) with scores for one user; called once per user. */
export type NextMovieScorer = (user: number, out: Float32Array) => void;

/** Splits off each user's last rating (by timestamp; ties: the later table row). */
export function leaveLastOut(table: RatingTable): LeaveLastOutSplit {
  const sequences = buildUserSequences(table);
  const { offsets, rows } = sequences;
  const isTarget = new Uint8Array(table.length);
  const users: number[] = [];
  for (let u = 0; u + 1 < offsets.length; u++) {
    if (offsets[u + 1] - offsets[u] < 2) continue;
    users.push(u);
    isTarget[rows[offsets[u + 1] - 1]] = 1;
  }
  const train = allocateRatingTable(table.length - users.length);
  for (let r = 0; r < table.length; r++) {
    if (isTarget[r]) continue;
    const o = train.length++;
    train.users[o] = table.users[r];
    train.movies[o] = table.movies[r];
    train.ratings[o] = table.ratings[r];
    train.timestamps[o] = table.timestamps[r];
  }
  return { sequences, train, users: Int32Array.from(users) };
}

/**
 * Runs the leave-last-out comparison and returns one row per algorithm, in the order asked.
 * Pure apart from the worker threads the LSTM may start (`lstm.threads`).
 */
export async function evaluateNextMovie(table: RatingTable, options: NextMovieOptions = {}): Promise<NextMovieRow[]> {
  const { algorithms = NEXT_MOVIE_ALGORITHMS, seed = 42, now, onProgress } = options;
  const split = leaveLastOut(table);
  const rows: NextMovieRow[] = [];
  for (const algorithm of algorithms) {
    const start = now?.() ?? 0;
    const scorer = await fit(algorithm, split, options, seed, (done, total) => onProgress?.({ algorithm, phase: 'fit', done, total }));
    const fitSeconds = ((now?.() ?? 0) - start) / 1000;
    const metrics = rankTargets(split, scorer, (done, total) => onProgress?.({ algorithm, phase: 'score', done, total }));
    rows.push({ algorithm, ...metrics, fitSeconds, users: split.users.length });
  }
  return rows;
}

/** HR@10 and NDCG@10 of a scorer over the split's users. */
export function rankTargets(
  split: LeaveLastOutSplit, scorer: NextMovieScorer, progress?: (done: number, total: number) => void,
): { 'hr@10': number; 'ndcg@10': number } {
  const { offsets, items, movieIds } = split.sequences;
  const scores = new Float32Array(movieIds.length);
  const seen = new Uint8Array(movieIds.length);
  let hits = 0;
  let ndcg = 0;
  const total = split.users.length;
  for (let i = 0; i < total; i++) {
    const u = split.users[i];
    const last = offsets[u + 1] - 1;
    const target = items[last];
    scorer(u, scores);
    for (let p = offsets[u]; p < last; p++) seen[items[p]] = 1;
    let rank = 1;
    const st = scores[target];
    if (Number.isNaN(st)) rank = movieIds.length;
    else {
      for (let m = 0; m < scores.length; m++) {
        if (m !== target && seen[m] === 0 && scores[m] >= st) rank++;
      }
    }
    for (let p = offsets[u]; p < last; p++) seen[items[p]] = 0;
    if (rank <= 10) {
      hits++;
      ndcg += 1 / Math.log2(rank + 1);
    }
    if (progress && (i % 256 === 255 || i === total - 1)) progress(i + 1, total);
  }
  return { 'hr@10': total > 0 ? hits / total : 0, 'ndcg@10': total > 0 ? ndcg / total : 0 };
}

/** Maps the full table's dense movie indices to another vocabulary's (-1 = unknown there). */
function vocabularyMap(full: Int32Array, other: Int32Array): Int32Array {
  const index = denseIndex(other);
  return full.map((id) => index.get(id) ?? -1);
}

async function fit(
  algorithm: NextMovieAlgorithm, split: LeaveLastOutSplit, options: NextMovieOptions, seed: number,
  progress: (done: number, total: number) => void,
): Promise<NextMovieScorer> {
  const { offsets, items, movieIds, userIds } = split.sequences;
  switch (algorithm) {
    case 'popularity': {
      const counts = new Float32Array(movieIds.length);
      for (const u of split.users) for (let p = offsets[u]; p < offsets[u + 1] - 1; p++) counts[items[p]]++;
      // Users with one rating are not evaluated but their rating is training data too.
      for (let u = 0; u + 1 < offsets.length; u++) if (offsets[u + 1] - offsets[u] === 1) counts[items[offsets[u]]]++;
      return (_user, out) => out.set(counts);
    }
    case 'last-item-similar': {
      const matrix = buildRatingMatrix(split.train);
      const svd = truncatedSvd(matrix.matrix, { k: options.svdRank ?? 64, seed });
      const unit = normalizeRows(movieVectors(svd.V, svd.S, svd.k));
      const map = vocabularyMap(movieIds, matrix.movieIds);
      const k = unit.cols;
      progress(1, 1);
      return (user, out) => {
        const last = map[items[offsets[user + 1] - 2]];
        for (let m = 0; m < out.length; m++) {
          const j = map[m];
          if (j < 0) {
            out[m] = Number.NaN;
            continue;
          }
          let s = 0;
          for (let c = 0; c < k; c++) s += unit.data[last * k + c] * unit.data[j * k + c];
          out[m] = s;
        }
      };
    }
    case 'mf': {
      const model = trainMf(split.train, { seed, ...options.mf, onEpoch: (e, total) => progress(e, total) });
      const map = vocabularyMap(movieIds, model.movieIds);
      const userMap = vocabularyMap(userIds, model.userIds);
      const raw = new Float64Array(model.movieIds.length);
      return (user, out) => {
        scoreAllMf(model, userMap[user], raw);
        for (let m = 0; m < out.length; m++) out[m] = map[m] < 0 ? Number.NaN : raw[map[m]];
      };
    }
    case 'lstm': {
      const epochs = options.lstm?.epochs ?? 8;
      const model = await trainLstm(split.train, { seed, ...options.lstm, onEpoch: (e, loss) => { options.lstm?.onEpoch?.(e, loss); progress(e + 1, epochs); } });
      return lstmScorer(split, model, options.lstmMaxSteps);
    }
  }
}

/**
 * The `lstm` scorer of a model trained on `split.train`: h_T after the user's training
 * history (only its last `maxSteps` movies when given) against every movie. Exported so that
 * one trained model can be ranked with several history caps (bench/lstm.bench.ts session-cap).
 */
export function lstmScorer(split: LeaveLastOutSplit, model: LstmModel, maxSteps = Number.POSITIVE_INFINITY): NextMovieScorer {
  const { offsets, items, movieIds, levels } = split.sequences;
  const predictor = new LstmPredictor(model);
  const map = vocabularyMap(movieIds, model.movieIds);
  const history = new Int32Array(items.length);
  for (let p = 0; p < items.length; p++) history[p] = map[items[p]];
  const raw = new Float32Array(model.movieIds.length);
  return (user, out) => {
    const end = offsets[user + 1] - 1;
    // The training steps' ratings only: the target's own rating (at `end`) is never read.
    predictor.scoreDense(history, Math.max(offsets[user], end - maxSteps), end, raw, levels);
    for (let m = 0; m < out.length; m++) out[m] = map[m] < 0 ? Number.NaN : raw[map[m]];
  };
}
