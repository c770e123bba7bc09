/**
 * `analytics`: the notebook's analyses and more. Per-movie rating statistics (count, mean, std,
 * per-half-star histogram, per-gender counts and means) and the analytics tables (by age, by
 * occupation, by genre, distribution...). Needs only the dataset, so it trains beside the SVD.
 *
 * Stored form (under the kind version `analytics-<ms>-<hex>`):
 *
 *   movie-stats        column table of core `MovieStats` (one row per movie, ascending id)
 *   analytics:<name>   JSON table, one per analysis
 */
import { decodeStored, ModelTable, packColumns, type KindMeta } from '@movielens/store';
import { z } from 'zod';
import type { KindContext, KindTrained, ModelKind } from '../model-kind';

/** What an analytics version records about itself (its kind meta's `info`): the names of its JSON tables (absent in the oldest builds). */
const analyticsInfoSchema = z.object({ tables: z.array(z.string()).optional() });

async function train(ctx: KindContext): Promise<KindTrained> {
  await ctx.progress('analytics', 0);
  const t = performance.now();
  const [ratings, movies, users] = await Promise.all([ctx.dataset.ratings(), ctx.dataset.movies(), ctx.dataset.users()]);
  const load = performance.now() - t;
  const a = await ctx.thread.run({ kind: 'analytics', ratings, movies, users });
  await ctx.writer.putTable(ctx.version, ModelTable.movieStats, packColumns({ ...a.stats }));
  for (const [name, table] of Object.entries(a.tables)) await ctx.writer.putTable(ctx.version, ModelTable.analytics(name), JSON.stringify(table));
  await ctx.progress('analytics', 100);
  ctx.logger.info({ movies: a.stats.movieIds.length, computeMs: Math.round(a.ms) }, 'analytics written');
  return { info: { tables: Object.keys(a.tables) }, timings: { analyticsLoad: load, analytics: a.ms } };
}

/** The `analytics` kind. */
export const analyticsKind: ModelKind = {
  name: 'analytics',
  summary: 'Per-movie rating statistics and the analytics tables (gender gap, by age, by genre...)',
  params: z.object({}),
  required: true,
  dependsOn: [],
  stages: ['analytics'],
  tables: [ModelTable.movieStats, 'analytics:<name>'],
  train,
  setFields: (meta: KindMeta) => ({ analytics: decodeStored(analyticsInfoSchema, meta.info, `analytics kind version ${meta.id} info`).tables ?? [] }),
};
