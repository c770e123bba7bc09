/**
 * `svd`: the original notebook's method. A user-mean-centred sparse rating matrix, its truncated
 * SVD (restarted Lanczos), the top-K similar movies of every movie (cosine of the movie factor
 * rows) and the PureSVD recommendations of every user. The similar and recommendation lists are
 * computed in row jobs that every compute worker shares.
 *
 * Stored form (under the kind version `svd-<ms>-<hex>`):
 *
 *   factors              column table { movieIds Int32, V Float32 (movies x k, row-major), S Float64 (k) }
 *   users                column table { userIds Int32, userMeans Float32 }
 *   similar / recs       sharded hashes (id modulo `shards`): movie or user id -> packed scored list
 *   staging:*            build only: factors and user blocks staged for the row jobs, then dropped
 */
import { pureSvdAlgorithm } from '@movielens/core';
import { decodeStored, ModelTable, packColumns, type KindMeta } from '@movielens/store';
import { z } from 'zod';
import type { KindContext, KindTrained, ModelKind, ModelReads, RankedMovie } from '../model-kind';
import { svdScorer } from './svd-scorer';
import { rowBlocks, stageInputs } from './staging';
import { writeSvdRows } from './svd-rows';

/** The `svd` kind's slice of the rebuild parameters. */
export const svdParams = z.object({
  /** Number of SVD factors. Default 50. */
  k: z.number().int().min(1).max(500).default(50),
  /** Similar movies kept per movie. Default 50. */
  topK: z.number().int().min(1).max(1000).default(50),
  /** Recommendations kept per user. Default 100. */
  recsN: z.number().int().min(1).max(1000).default(100),
  /** Leave out movies with fewer ratings from similarity lists; 0 = off (the original method). Default 0. */
  minCount: z.number().int().min(0).default(0),
  /**
   * Row jobs per table (blocks any compute worker may take); 0 = by size (`autoParts`: 8, more
   * for big datasets so the last job of a table does not leave other workers idle). Default 0.
   */
  parts: z.number().int().min(0).max(256).default(0),
});

/**
 * Row jobs per table when `parts` is 0: one per ~150 million user x movie scores, at least 8 and
 * at most 64 (ML-1M: 8; the ML-25M shape: 64, a few seconds of work each).
 */
export function autoParts(users: number, movies: number): number {
  return Math.min(64, Math.max(8, Math.ceil((users * movies) / 1.5e8)));
}

const count = z.number().int().min(0);

/** Facts the `svd` kind records about a version (its kind meta's `info`), read back into the set meta. */
const svdInfoSchema = z.object({
  /** Singular values, descending. */
  singularValues: z.array(z.number()),
  /** Share of the centred matrix's squared Frobenius norm the k factors explain, 0..1. */
  explainedVariance: z.number(),
  /** Number of factors computed. */
  k: z.number().int().min(1),
  /** Users, movies and ratings of the dataset it was trained on. */
  counts: z.object({ users: count, movies: count, ratings: count }),
});

/** Facts the `svd` kind records about a version. */
type SvdInfo = z.infer<typeof svdInfoSchema>;

async function train(ctx: KindContext): Promise<KindTrained> {
  const p = svdParams.parse(ctx.params);
  const seed = Number(ctx.params.seed);
  const shards = Number(ctx.params.shards);
  const timings: Record<string, number> = {};
  await ctx.progress('load', 0);
  let t = performance.now();
  const ratings = await ctx.dataset.ratings();
  timings.load = performance.now() - t;
  await ctx.progress('matrix', 0);
  const f = await ctx.thread.run({ kind: 'factorize', ratings, k: p.k, seed });
  timings.matrix = f.timings.matrix;
  timings.svd = f.timings.svd;
  await ctx.progress('svd', 100);
  ctx.logger.info({ k: f.k, iterations: f.iterations, explainedVariance: f.explainedVariance, helpedBlocks: f.helpedBlocks, ms: Math.round(f.timings.svd) }, 'svd done');

  t = performance.now();
  await ctx.writer.putTable(ctx.version, ModelTable.factors, packColumns({ movieIds: f.movieIds, V: Float32Array.from(f.V), S: f.S }));
  await ctx.writer.putTable(ctx.version, ModelTable.users, packColumns({ userIds: f.userIds, userMeans: Float32Array.from(f.userMeans) }));
  const parts = p.parts > 0 ? p.parts : autoParts(f.userIds.length, f.movieIds.length);
  const movieBlocks = rowBlocks(f.movieIds.length, parts);
  const userBlocks = rowBlocks(f.userIds.length, parts);
  const scratch = await stageInputs(ctx.writer, ctx.version, f, userBlocks);
  timings.stage = performance.now() - t;

  const row = (table: 'similar' | 'recs', b: { part: number; start: number; end: number }) => ({
    kind: 'svd',
    modelVersion: ctx.version,
    table,
    part: b.part,
    rowStart: b.start,
    rowEnd: b.end,
    shards,
    n: table === 'similar' ? p.topK : p.recsN,
    minCount: table === 'similar' ? p.minCount : 0,
  });
  const info: SvdInfo = { singularValues: [...f.S], explainedVariance: f.explainedVariance, k: f.k, counts: { users: f.userIds.length, movies: f.movieIds.length, ratings: ratings.length } };
  return { info: { ...info }, timings, shards, scratch, rows: [...movieBlocks.map((b) => row('similar', b)), ...userBlocks.map((b) => row('recs', b))] };
}

/** The stored PureSVD list of a user (predicted stars), rated movies already left out when it was built. */
async function recommend(store: ModelReads, ver: string, userId: number, k: number): Promise<RankedMovie[] | null> {
  const list = await store.recommendations(ver, userId);
  return list === null ? null : list.slice(0, k);
}

/** The `svd` kind. */
export const svdKind: ModelKind = {
  name: 'svd',
  summary: 'Truncated SVD of the user-mean-centred ratings: similar movies (cosine) and PureSVD recommendations',
  params: svdParams,
  required: true,
  dependsOn: [],
  stages: ['load', 'matrix', 'svd', 'similarity', 'recommendations'],
  rowStages: { [ModelTable.similar]: 'similarity', [ModelTable.recs]: 'recommendations' },
  tables: [ModelTable.factors, ModelTable.users, ModelTable.similar, ModelTable.recs],
  train,
  writeRows: writeSvdRows,
  setFields(meta: KindMeta) {
    const info = decodeStored(svdInfoSchema, meta.info, `svd kind version ${meta.id} info`);
    return { datasetVersion: meta.datasetVersion, singularValues: info.singularValues, explainedVariance: info.explainedVariance, k: info.k, counts: info.counts, shards: meta.shards };
  },
  recommender: { algorithm: 'puresvd', scoreUnit: 'predicted stars (PureSVD)', recommend, scorer: svdScorer },
  evaluation: (params) => pureSvdAlgorithm(svdParams.parse(params ?? {}).k),
  tuning: { k: [10, 25, 50] },
  trainsTuned: false,
};
