/**
 * A small extra model kind for tests: the most-rated movies. It shows what adding a kind takes
 * (this one file, and one entry in a registry): it trains in the rebuild as its own job after
 * `svd` (a declared dependency), publishes into the served set, serves `?algorithm=popular` and is
 * evaluated by `movielens evaluate` through its adapter.
 *
 * Stored form: `popular`, JSON array of movie ids, most ratings first.
 */
import { popularity, type Algorithm } from '@movielens/core';
import { z } from 'zod';
import { decodeJson } from '@movielens/store';
import type { KindContext, KindTrained, ModelKind, ModelReads, RankedMovie } from '../src/kinds/model-kind';

async function train(ctx: KindContext): Promise<KindTrained> {
  const { popularN } = z.object({ popularN: z.number().int() }).parse(ctx.params);
  await ctx.progress('popular', 0);
  const ratings = await ctx.dataset.ratings();
  const counts = new Map<number, number>();
  for (let i = 0; i < ratings.length; i++) counts.set(ratings.movies[i], (counts.get(ratings.movies[i]) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, popularN);
  await ctx.writer.putTable(ctx.version, 'popular', JSON.stringify(top));
  await ctx.progress('popular', 100);
  return { info: { movies: top.length }, timings: { popular: 1 } };
}

/** The stored table as read back: (movie id, ratings) pairs, validated (a corrupt one is a CorruptRecordError). */
const popularTable = z.array(z.tuple([z.number().int(), z.number().int().min(0)]));

async function recommend(store: ModelReads, ver: string, _userId: number, k: number, rated: ReadonlySet<number>): Promise<RankedMovie[] | null> {
  const raw = await store.table(ver, 'popular');
  if (raw === null) return null;
  const top = decodeJson(popularTable, raw.toString('utf8'), `popular table of model version ${ver}`);
  return top.filter(([movieId]) => !rated.has(movieId)).slice(0, k).map(([movieId, count]) => ({ movieId, score: count }));
}

/** The evaluation adapter: core's popularity ranking under this kind's algorithm name. */
const evaluation = (): Algorithm => ({ name: 'popular', fit: (training) => popularity.fit(training) });

/** The `popular` test kind. */
export const popularKind: ModelKind = {
  name: 'popular',
  summary: 'Most-rated movies (test kind)',
  params: z.object({
    /** Movies kept. Default 20. */
    popularN: z.number().int().min(1).max(1000).default(20),
  }),
  required: false,
  dependsOn: ['svd'],
  stages: ['popular'],
  tables: ['popular'],
  train,
  recommender: { algorithm: 'popular', scoreUnit: 'ratings', recommend },
  evaluation,
};
