/**
 * Model selection's candidates and its stored result, derived generically from the kinds: every
 * enabled ranking kind (`recommender`) with an `evaluation` adapter and a `tuning` grid competes
 * with every point of its grid, so a new kind joins without an edit here.
 */
import { bestScore, LIKED_WEIGHTS, randomValidationSplit, validationScorer, validationSplit, VALIDATION_FRACTION, type RatingTable, type SelectionCandidate, type SelectionScore } from '@movielens/core';
import { z } from 'zod';
import { KindBoundError } from '../../errors';
import type { BuildParams, ModelKind } from '../model-kind';

/** Name of the selection kind (excluded from its own candidates). */
export const SELECTION_KIND = 'selection';

/** The grid key of the liked prior's weight (core `liked-prior.ts`), tuned for every kind without a refit. */
export const LIKED_KEY = 'liked';

/** The metric selection ranks by. */
export const SELECTION_METRIC = 'ndcg@10';

/** One grid point of one kind. */
export interface KindCandidate extends SelectionCandidate {
  /** The kind's `?algorithm=` value (what the API serves). */
  served: string;
}

/** Every point of `tuning` (cartesian product, keys in declaration order, values in grid order). */
export function gridPoints(tuning: Readonly<Record<string, readonly number[]>>): Record<string, number>[] {
  let points: Record<string, number>[] = [{}];
  for (const [key, values] of Object.entries(tuning)) points = points.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  return points;
}

/** The kinds that compete under `params`: enabled, ranking, with an evaluation adapter and a grid. */
export function competingKinds(kinds: readonly ModelKind[], params: BuildParams): ModelKind[] {
  return kinds.filter((k) => k.name !== SELECTION_KIND && k.recommender !== undefined && k.evaluation !== undefined && k.tuning !== undefined && (k.enabled?.(params) ?? true));
}

/**
 * Every candidate: each competing kind at each point of its grid, over the build parameters
 * `params`, ranked at each liked weight (only 0 with `selectionLiked: false`, and for a kind that
 * does not train tuned: `svd`'s served lists stay the original method's).
 */
export function selectionCandidates(kinds: readonly ModelKind[], params: BuildParams): KindCandidate[] {
  return competingKinds(kinds, params).flatMap((kind) => {
    const likedWeights = params.selectionLiked !== false && kind.trainsTuned !== false ? LIKED_WEIGHTS : [0];
    return gridPoints(kind.tuning!).map((point) => ({ name: kind.name, served: kind.recommender!.algorithm, params: point, algorithm: kind.evaluation!({ ...params, ...point }), likedWeights }));
  });
}

const paramsRecord = z.record(z.string(), z.number());

/** What the selection kind records in its kind meta (`info`), validated where it is read back. */
export const selectionInfoSchema = z.object({
  /** How the validation split was made. */
  split: z.object({
    /** Documented rule, e.g. each user's last 10% of ratings by time. */
    rule: z.string(),
    fraction: z.number(),
    trainRatings: z.number().int(),
    heldOutRatings: z.number().int(),
  }),
  /** `ndcg@10`. */
  metric: z.string(),
  /**
   * Every candidate in the order tried, with its validation scores (null when no held-out user had
   * a relevant rating); with the liked prior on, one row per weight of each fit (params `liked`).
   */
  grid: z.array(z.object({ kind: z.string(), algorithm: z.string(), params: paramsRecord, ndcg: z.number().nullable(), precision: z.number().nullable(), ms: z.number(), fitMs: z.number().optional() })),
  /** The best grid point of each competing kind (with its `liked` weight when the prior is tuned). */
  tuned: z.record(z.string(), paramsRecord),
  /** The best kind overall and its score; null when nothing competed or scored. */
  winner: z.object({ kind: z.string(), algorithm: z.string(), params: paramsRecord, ndcg: z.number() }).nullable(),
});

/** The selection result as stored. */
export type SelectionInfo = z.infer<typeof selectionInfoSchema>;

/** Options of {@link runSelection} and {@link runSelectionSync}. */
export interface RunSelectionOptions {
  seed: number;
  /** Milliseconds from any origin. */
  now: () => number;
  /** Share of each user's ratings held out. Default 0.1. */
  fraction?: number;
}

/**
 * Splits `ratings`, scores every candidate of `kinds` one after another and names the winner
 * (see the file comment), awaiting `between(done, total)` after each fit: progress, and a turn
 * of the event loop so lock renewals go through.
 */
export async function runSelection(
  ratings: RatingTable,
  kinds: readonly ModelKind[],
  params: BuildParams,
  options: RunSelectionOptions,
  between: (done: number, total: number) => Promise<void>,
): Promise<SelectionInfo> {
  const { split, candidates, score, fraction, rule } = prepare(ratings, kinds, params, options);
  const scores: SelectionScore[][] = [];
  for (const c of candidates) {
    scores.push(score(c));
    await between(scores.length, candidates.length);
  }
  return summarize({ rule, trainRatings: split.train.length, heldOutRatings: split.test.length }, fraction, candidates, scores);
}

/**
 * {@link runSelection} without pauses, for `movielens evaluate`'s `auto` (its `fit` is
 * synchronous); `after(done, total)` hears each fit.
 */
export function runSelectionSync(ratings: RatingTable, kinds: readonly ModelKind[], params: BuildParams, options: RunSelectionOptions, after?: (done: number, total: number) => void): SelectionInfo {
  return mergeShares(kinds, params, options, [scoreShare(ratings, kinds, params, options, { part: 0, of: 1 }, after)]);
}

/** Which candidates a share scores: those whose index modulo `of` is `part`. */
export interface ShareOf {
  part: number;
  of: number;
}

/** The scores of one share of the candidates (a selection thread's result). */
export interface SelectionShare {
  /** How the validation split was made (the stored `split.rule`). */
  rule: string;
  /** Sizes of the validation split. */
  trainRatings: number;
  heldOutRatings: number;
  /** Each scored candidate's index in {@link selectionCandidates} order, and its scores (one per liked weight). */
  scores: { index: number; score: SelectionScore[] }[];
}

/**
 * Scores the candidates of share `share` (round robin over the candidate order, so each kind's
 * grid is spread over the shares) on the validation split; `after(done, total)` hears each fit.
 */
export function scoreShare(ratings: RatingTable, kinds: readonly ModelKind[], params: BuildParams, options: RunSelectionOptions, share: ShareOf, after?: (done: number, total: number) => void): SelectionShare {
  const { split, candidates, score, rule } = prepare(ratings, kinds, params, options);
  const mine = candidates.map((_, i) => i).filter((i) => i % share.of === share.part);
  const scores: SelectionShare['scores'] = [];
  for (const index of mine) {
    scores.push({ index, score: score(candidates[index]) });
    after?.(scores.length, mine.length);
  }
  return { rule, trainRatings: split.train.length, heldOutRatings: split.test.length, scores };
}

/** The selection from the scores of every share (each candidate scored by exactly one). */
export function mergeShares(kinds: readonly ModelKind[], params: BuildParams, options: RunSelectionOptions, shares: readonly SelectionShare[]): SelectionInfo {
  const candidates = selectionCandidates(kinds, params);
  const scores: SelectionScore[][] = new Array(candidates.length);
  for (const s of shares.flatMap((x) => x.scores)) scores[s.index] = s.score;
  const missing = candidates.findIndex((_, i) => scores[i] === undefined);
  if (missing >= 0) throw new Error(`model selection: candidate ${missing} was not scored by any share`);
  const fraction = options.fraction ?? VALIDATION_FRACTION;
  return summarize(shares[0], fraction, candidates, scores);
}

function prepare(ratings: RatingTable, kinds: readonly ModelKind[], params: BuildParams, options: RunSelectionOptions) {
  const fraction = options.fraction ?? VALIDATION_FRACTION;
  const random = params.selectionRandomSplit === true;
  const split = random ? randomValidationSplit(ratings, fraction, options.seed) : validationSplit(ratings, fraction);
  const maxUsers = typeof params.selectionUsers === 'number' ? params.selectionUsers : undefined;
  const rule = random
    ? `a random ${Math.round(fraction * 100)}% of each user's ratings, seed ${options.seed} (at least one; users with one rating keep it)`
    : `each user's last ${Math.round(fraction * 100)}% of ratings by time (at least one; users with one rating keep it)`;
  const scoreFit = validationScorer(split, { seed: options.seed, now: options.now, maxUsers });
  // A candidate beyond its kind's bound (EASE on a catalogue above easeMaxMovies) is skipped: no
  // score (null in the grid), never the winner; the other kinds are still compared.
  const score = (c: KindCandidate): SelectionScore[] => {
    try {
      return scoreFit(c);
    } catch (err) {
      if (!(err instanceof KindBoundError)) throw err;
      return (c.likedWeights ?? [0]).map((w) => ({ name: c.name, params: { ...c.params, [LIKED_KEY]: w }, ndcg: Number.NaN, precision: Number.NaN, ms: 0, fitMs: 0 }));
    }
  };
  return { split, fraction, rule, candidates: selectionCandidates(kinds, params), score };
}

/** The stored form of the scores: the grid, each kind's best point, the winner. */
function summarize(split: { rule: string; trainRatings: number; heldOutRatings: number }, fraction: number, candidates: readonly KindCandidate[], perFit: readonly SelectionScore[][]): SelectionInfo {
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  const scores = perFit.flat();
  const served = perFit.flatMap((fit, i) => fit.map(() => candidates[i].served));
  const grid = scores.map((s, i) => ({ kind: s.name, algorithm: served[i], params: { ...s.params }, ndcg: finite(s.ndcg), precision: finite(s.precision), ms: s.ms, fitMs: s.fitMs }));
  const tuned: Record<string, Record<string, number>> = {};
  for (const kind of new Set(grid.map((g) => g.kind))) {
    const own = scores.map((s) => (s.name === kind ? s : { ...s, ndcg: Number.NaN }));
    const best = bestScore(own);
    if (best >= 0) tuned[kind] = grid[best].params;
  }
  const best = bestScore(scores);
  const w = best >= 0 ? grid[best] : null;
  return {
    split: { rule: split.rule, fraction, trainRatings: split.trainRatings, heldOutRatings: split.heldOutRatings },
    metric: SELECTION_METRIC,
    grid,
    tuned,
    winner: w === null ? null : { kind: w.kind, algorithm: w.algorithm, params: w.params, ndcg: w.ndcg! },
  };
}
