/**
 * `mf`: the Bayesian matrix factorization rating model (core `trainMf`, Gibbs sampling), which
 * predicts stars for any (user, movie) and ranks movies for `?algorithm=mf`.
 *
 * Stored form (under the kind version `mf-<ms>-<hex>`):
 *
 *   mf    core `encodeMf` bytes: user and movie ids, biases, factor matrices averaged over samples
 */
import { findIdIndex, mfAlgorithm, predictMf, recommendMf } from '@movielens/core';
import { ModelTable } from '@movielens/store';
import { z } from 'zod';
import type { KindContext, KindTrained, ModelKind, ModelReads, RankedMovie } from '../model-kind';
import { mfScorer } from './mf-scorer';

/** The `mf` kind's slice of the rebuild parameters. */
export const mfParams = z.object({
  /** Train the Bayesian MF rating model (served by /users/:id/predictions and ?algorithm=mf). Default true. */
  mf: z.boolean().default(true),
  /** Gibbs samples averaged after 20 burn-in sweeps (cost ~ linear; 40 gives RMSE 0.883 on ML-100K u1..u5 with the core's default implicit feedback). Default 40. */
  mfSamples: z.number().int().min(1).max(200).default(40),
  /**
   * Implicit feedback in the sampler (core `MfGibbsOptions.implicit` `both`; false: `none`).
   * Default true: ML-100K u1..u5 RMSE 0.883 at 40 samples against 0.903 without, for about 5x
   * the training CPU (ML-1M shape, 40 samples: 72 s against 14.5 s).
   */
  mfImplicit: z.boolean().default(true),
});

async function train(ctx: KindContext): Promise<KindTrained> {
  const p = mfParams.parse(ctx.params);
  let t = performance.now();
  const ratings = await ctx.dataset.ratings();
  const timings: Record<string, number> = { load: performance.now() - t };
  await ctx.progress('mf', 0);
  t = performance.now();
  // Every core of this worker draws the half-sweeps (same model as on one thread, bit for bit).
  const mf = await ctx.thread.run({ kind: 'train-mf', ratings, samples: p.mfSamples, implicit: p.mfImplicit ? 'both' : 'none', seed: Number(ctx.params.seed), threads: ctx.cores });
  await ctx.writer.putTable(ctx.version, ModelTable.mf, Buffer.from(mf.bytes.buffer, mf.bytes.byteOffset, mf.bytes.byteLength));
  timings.mf = performance.now() - t;
  await ctx.progress('mf', 100);
  ctx.logger.info({ users: mf.users, movies: mf.movies, factors: mf.factors, bytes: mf.bytes.byteLength, trainMs: Math.round(mf.ms) }, 'mf model trained');
  return { info: { users: mf.users, movies: mf.movies, factors: mf.factors }, timings };
}

/** The user's best unrated movies by predicted stars. */
async function recommend(store: ModelReads, ver: string, userId: number, k: number, rated: ReadonlySet<number>): Promise<RankedMovie[] | null> {
  const model = await store.mf(ver);
  if (model === null) return null;
  const u = findIdIndex(model.userIds, userId);
  if (u < 0) return null;
  const exclude: number[] = [];
  for (const movieId of rated) {
    const m = findIdIndex(model.movieIds, movieId);
    if (m >= 0) exclude.push(m);
  }
  return recommendMf(model, u, exclude, k).map(({ movieIndex }) => ({ movieId: model.movieIds[movieIndex], score: predictMf(model, u, movieIndex) }));
}

/** The `mf` kind. */
export const mfKind: ModelKind = {
  name: 'mf',
  summary: 'Bayesian matrix factorization: predicted stars for any user and movie',
  params: mfParams,
  enabled: (params) => params.mf !== false,
  required: false,
  dependsOn: [],
  stages: ['mf'],
  tables: [ModelTable.mf],
  train,
  recommender: { algorithm: 'mf', scoreUnit: 'predicted stars (Bayesian MF; before clipping to the scale when served through filters or paging)', recommend, scorer: mfScorer },
  evaluation: () => mfAlgorithm(),
};
