/**
 * `selection`: model selection in the rebuild. It holds out a validation split of the dataset
 * (a seeded random 10% of each user's ratings, at least one; or their last 10% by time with
 * `selectionRandomSplit: false`), fits every competing ranking kind's evaluation model at every
 * point of its `tuning` grid on the rest, ranks each fit's scores as they are and with the liked
 * prior at each of `LIKED_WEIGHTS` (core `liked-prior.ts`; no refit), scores NDCG@10 with full
 * ranking (relevant = held-out rating >= 4) for at most `selectionUsers` held-out users (a seeded
 * sample, default 2,000: the same users for every candidate), and records the grid, the scores,
 * each kind's best parameters (with its `liked` weight) and the winner in its kind meta (`info`,
 * `SelectionInfo`). The API serves the winner as the default `?algorithm=`, and every kind with
 * its tuned liked weight. Seeded (`seed`): the same data and params give the same choice.
 *
 * Stored form: no tables; everything is in the kind version's meta.
 *
 * For the default kinds (`thread`) the fits run in threads of their own, as many as the worker
 * has cores (`KindContext.cores`), each fitting every n-th candidate; the scores are merged in
 * candidate order, so the result does not depend on the number of threads.
 */
import { startThread, VALIDATION_MAX_USERS, type RatingTable } from '@movielens/core';
import { z } from 'zod';
import type { BuildParams, KindContext, KindTrained, ModelKind } from '../model-kind';
import { competingKinds, mergeShares, runSelection, SELECTION_KIND, type SelectionInfo, type SelectionShare } from './selection-grid';
import type { SelectionThreadInput, SelectionThreadMessage } from './selection.worker';

/** The `selection` kind's slice of the rebuild parameters. */
export const selectionParams = z.object({
  /** Run model selection in the rebuild (its winner is the default recommendations' algorithm). Default true. */
  selection: z.boolean().default(true),
  /**
   * Once selection finishes, retrain the served ranking kinds whose parameters differ from the
   * tuned ones (a follow-up rebuild, trigger `selection`; explicit values still win). Default true.
   */
  selectionRetrain: z.boolean().default(true),
  /**
   * Held-out users ranked per candidate, at most: a sample seeded with `seed`, the same users for
   * every candidate (ranking the whole catalogue for every user was most of the cost). Default 2,000.
   */
  selectionUsers: z.number().int().min(1).default(VALIDATION_MAX_USERS),
  /**
   * Hold out a random 10% of each user's ratings (seeded); false holds out each user's latest 10%
   * by time. Default true: on ML-100K the random split's choices score higher both on the official
   * random test folds and on a test set of each user's latest 20% by time (docs/EVALUATION.md).
   */
  selectionRandomSplit: z.boolean().default(true),
  /**
   * Tune the liked prior's weight (0, 0.5, 1: how much a movie's shrunk mean rating adds to a
   * kind's standardized scores) for every competing kind; the API serves each kind with its tuned
   * weight. False ranks every kind by its own scores only. Default true.
   */
  selectionLiked: z.boolean().default(true),
});

/** Options of {@link createSelectionKind}. */
export interface SelectionKindOptions {
  /**
   * Run the fits in threads of their own (`selection.worker.ts`, which selects among the
   * default kinds), so the kind job's event loop stays free to renew its BullMQ lock through
   * fits of a minute on ML-1M. Only for the default kinds (a thread cannot be handed kind
   * objects); other registries (tests) run the fits inline, pausing between them. Default false.
   */
  thread?: boolean;
}

/** Scores share `share` of the default kinds' candidates in a `selection.worker.ts` thread, reporting each fit. */
function shareInThread(input: SelectionThreadInput, progress: (done: number, total: number) => void): Promise<SelectionShare> {
  return new Promise((resolve, reject) => {
    const worker = startThread('selection.worker', import.meta.url, { workerData: input });
    let settled = false;
    worker.on('message', (message: SelectionThreadMessage) => {
      if ('share' in message) {
        settled = true;
        resolve(message.share);
      } else progress(message.done, message.total);
    });
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`a selection thread exited with code ${code} before its result`));
    });
  });
}

/**
 * Runs the selection of the default kinds (`kinds` must be them: the threads build their
 * candidates from the default registry) on `threads` threads, each scoring every `threads`-th
 * candidate (round robin, so each kind's grid is spread over them), and merges their scores.
 */
export async function selectInThreads(kinds: readonly ModelKind[], ratings: RatingTable, params: BuildParams, seed: number, threads: number, progress: (done: number, total: number) => Promise<void>): Promise<SelectionInfo> {
  const done = new Array<number>(threads).fill(0);
  const totals = new Array<number>(threads).fill(1);
  const report = (part: number) => (d: number, total: number) => {
    done[part] = d;
    totals[part] = total;
    void progress(done.reduce((a, b) => a + b, 0), totals.reduce((a, b) => a + b, 0)).catch(() => undefined);
  };
  const shares = await Promise.all(Array.from({ length: threads }, (_, part) => shareInThread({ ratings, params: { ...params }, seed, share: { part, of: threads } }, report(part))));
  return mergeShares(kinds, params, { seed, now: () => 0 }, shares);
}

/**
 * The selection kind over the kinds `kinds()` returns (called at training time, so the kind can
 * sit in the same list it selects from).
 */
export function createSelectionKind(kinds: () => readonly ModelKind[], options: SelectionKindOptions = {}): ModelKind {
  async function train(ctx: KindContext): Promise<KindTrained> {
    await ctx.progress('selection', 0);
    const t0 = performance.now();
    const ratings = await ctx.dataset.ratings();
    const seed = Number(ctx.params.seed);
    const progress = (done: number, total: number) => ctx.progress('selection', Math.floor((100 * done) / total));
    const info = options.thread
      ? await selectInThreads(kinds(), ratings, ctx.params, seed, Math.max(1, ctx.cores), progress)
      : await runSelection(ratings, kinds(), ctx.params, { seed, now: () => performance.now() }, async (done, total) => {
          await progress(done, total);
          // Let lock renewals and progress writes through between two fits.
          await new Promise((resolve) => setImmediate(resolve));
        });
    const ms = performance.now() - t0;
    ctx.logger.info({ competing: competingKinds(kinds(), ctx.params).map((k) => k.name), candidates: info.grid.length, winner: info.winner, ms: Math.round(ms), thread: options.thread === true }, 'model selection done');
    return { info: { ...info }, timings: { selection: ms } };
  }

  return {
    name: SELECTION_KIND,
    summary: "Model selection: each ranking kind's grid (and liked-prior weight) scored by NDCG@10 on a held-out 10% of each user's ratings; the winner is served by default",
    params: selectionParams,
    enabled: (params) => params.selection !== false,
    required: false,
    dependsOn: [],
    stages: ['selection'],
    tables: [],
    train,
  };
}
