/**
 * `selection`: model selection in the rebuild. It holds out a validation split of the dataset
 * (each user's last 10% of ratings by time, at least one), fits every competing ranking kind's
 * evaluation model at every point of its `tuning` grid on the rest, scores NDCG@10 with full
 * ranking (relevant = held-out rating >= 4), and records the grid, the scores, each kind's best
 * parameters and the winner in its kind meta (`info`, `SelectionInfo`). The API serves the winner
 * as the default `?algorithm=`. Seeded (`seed`): the same data and params give the same choice.
 *
 * Stored form: no tables; everything is in the kind version's meta.
 *
 * The fits run on the kind job's own thread, one after another, yielding between them.
 */
import { z } from 'zod';
import type { KindContext, KindTrained, ModelKind } from '../model-kind';
import { competingKinds, runSelection, SELECTION_KIND } from './selection-grid';

/** The `selection` kind's slice of the rebuild parameters. */
export const selectionParams = z.object({
  /** Run model selection in the rebuild (its winner is the default recommendations' algorithm). Default true. */
  selection: z.boolean().default(true),
});

/**
 * The selection kind over the kinds `kinds()` returns (called at training time, so the kind can
 * sit in the same list it selects from).
 */
export function createSelectionKind(kinds: () => readonly ModelKind[]): ModelKind {
  async function train(ctx: KindContext): Promise<KindTrained> {
    await ctx.progress('selection', 0);
    const t0 = performance.now();
    const ratings = await ctx.dataset.ratings();
    const info = await runSelection(ratings, kinds(), ctx.params, { seed: Number(ctx.params.seed), now: () => performance.now() }, async (done, total) => {
      await ctx.progress('selection', Math.floor((100 * done) / total));
      // Let lock renewals and progress writes through between two fits.
      await new Promise((resolve) => setImmediate(resolve));
    });
    const ms = performance.now() - t0;
    ctx.logger.info({ competing: competingKinds(kinds(), ctx.params).map((k) => k.name), candidates: info.grid.length, winner: info.winner, ms: Math.round(ms) }, 'model selection done');
    return { info: { ...info }, timings: { selection: ms } };
  }

  return {
    name: SELECTION_KIND,
    summary: "Model selection: each ranking kind's grid scored by NDCG@10 on each user's latest 10% of ratings; the winner is served by default",
    params: selectionParams,
    enabled: (params) => params.selection !== false,
    required: false,
    dependsOn: [],
    stages: ['selection'],
    tables: [],
    train,
  };
}
