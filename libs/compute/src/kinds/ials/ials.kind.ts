/**
 * `ials`: implicit ALS (Hu, Koren, Volinsky 2008) on the ratings as implicit feedback
 * (preference 1 for every rated movie, confidence 1 + alpha * stars), ranked by x_u . y_j. Each
 * half-iteration (all users, then all movies) is one round of row jobs that every compute worker
 * shares (`ials-rows.ts`), so the kind scales with the workers; training only stages the inputs.
 *
 * Stored form (under the kind version `ials-<ms>-<hex>`):
 *
 *   ials-users     column table { userIds Int32, X Float32 (users x k, row-major) }
 *   ials-movies    column table { movieIds Int32, Y Float32 (movies x k), settings Float64 [alpha, reg, confidence] }
 *   staging:ials:* build only (`ials-staging.ts`), dropped before publishing
 */
import { buildIalsMatrix, IALS_DEFAULTS, ialsAlgorithm, indexRatings, initIalsFactors, type Algorithm } from '@movielens/core';
import { ModelTable } from '@movielens/store';
import { z } from 'zod';
import type { BuildParams, KindContext, KindTrained, ModelKind } from '../model-kind';
import { rowBlocks } from '../svd/staging';
import { ialsRowTables, nextIalsRound, roundRows, writeIalsRows } from './ials-rows';
import { ialsScorer, recommendIals } from './ials-scorer';
import { putFactorBlock, stagedTables, stageIalsInputs, type IalsConfig } from './ials-staging';

/** The `ials` kind's slice of the rebuild parameters. */
export const ialsParams = z.object({
  /** Train the iALS ranking model (served by ?algorithm=ials). Default true. */
  ials: z.boolean().default(true),
  /** Latent factors. Default 64. */
  ialsFactors: z.number().int().min(1).max(512).default(IALS_DEFAULTS.factors),
  /** Confidence scale: c = 1 + alpha * stars. Default 1 (best on the u1 validation cut). */
  ialsAlpha: z.number().min(0).max(1000).default(IALS_DEFAULTS.alpha),
  /** Ridge weight on both sides. Default 40. */
  ialsReg: z.number().min(0.001).max(100000).default(IALS_DEFAULTS.reg),
  /** Alternations (each one round of user row jobs and one of movie row jobs). Default 10. */
  ialsIterations: z.number().int().min(1).max(200).default(IALS_DEFAULTS.iterations),
  /** Row jobs per half-iteration; 0 = by size (`ialsParts`). Default 0. */
  ialsParts: z.number().int().min(0).max(256).default(0),
});

/**
 * Row jobs per half-iteration when `ialsParts` is 0: one per ~250,000 ratings, at least 4 and at
 * most 64 (ML-100K: 4, ML-1M: 4, the ML-25M shape: 64), so two workers stay busy without every
 * round paying many jobs' overhead.
 */
export function ialsAutoParts(ratings: number): number {
  return Math.min(64, Math.max(4, Math.ceil(ratings / 250_000)));
}

async function train(ctx: KindContext): Promise<KindTrained> {
  const p = ialsParams.parse(ctx.params);
  const seed = Number(ctx.params.seed);
  await ctx.progress('load', 0);
  let t = performance.now();
  const ratings = await ctx.dataset.ratings();
  const timings: Record<string, number> = { load: performance.now() - t };
  t = performance.now();
  const data = indexRatings(ratings);
  const matrix = buildIalsMatrix(data, p.ialsAlpha, IALS_DEFAULTS.confidence);
  const users = data.userIds.length;
  const movies = data.movieIds.length;
  const parts = p.ialsParts > 0 ? p.ialsParts : ialsAutoParts(ratings.length);
  const config: IalsConfig = {
    k: p.ialsFactors,
    alpha: p.ialsAlpha,
    reg: p.ialsReg,
    confidence: IALS_DEFAULTS.confidence,
    cgSteps: IALS_DEFAULTS.cgSteps,
    iterations: p.ialsIterations,
    blocks: { users: rowBlocks(users, parts), movies: rowBlocks(movies, parts) },
  };
  await stageIalsInputs(ctx.writer, ctx.version, config, { users: { ids: data.userIds, ...matrix.users }, movies: { ids: data.movieIds, ...matrix.movies } });
  const { Y } = initIalsFactors(users, movies, config.k, seed);
  for (const b of config.blocks.movies) await putFactorBlock(ctx.writer, ctx.version, 'movies', 0, b.part, Y.subarray(b.start * config.k, b.end * config.k));
  timings.stage = performance.now() - t;
  await ctx.progress('load', 100);
  ctx.logger.info({ users, movies, ratings: ratings.length, parts, k: config.k, iterations: config.iterations }, 'ials inputs staged');
  return {
    info: { users, movies, ratings: ratings.length, factors: config.k, iterations: config.iterations, confidence: config.confidence, parts },
    timings,
    scratch: stagedTables(config),
    rows: roundRows(ctx.version, config, 0),
    rounds: 2 * config.iterations,
  };
}

/** The same model as `movielens evaluate` fits it, with the build parameters (defaults when omitted). */
function evaluation(params?: BuildParams): Algorithm {
  const p = ialsParams.parse(params ?? {});
  return ialsAlgorithm({ factors: p.ialsFactors, alpha: p.ialsAlpha, reg: p.ialsReg, iterations: p.ialsIterations });
}

/** The `ials` kind. */
export const ialsKind: ModelKind = {
  name: 'ials',
  summary: 'Implicit ALS (Hu, Koren, Volinsky 2008): ranking by confidence-weighted factors, each half-iteration sharded over the workers',
  params: ialsParams,
  enabled: (params) => params.ials !== false,
  required: false,
  dependsOn: [],
  stages: ['load', 'ials'],
  rowStages: { [ModelTable.ialsUsers]: 'ials', [ModelTable.ialsMovies]: 'ials' },
  tables: [ModelTable.ialsUsers, ModelTable.ialsMovies],
  train,
  writeRows: writeIalsRows,
  nextRound: nextIalsRound,
  rowTables: ialsRowTables,
  recommender: { algorithm: 'ials', scoreUnit: 'predicted preference x_u . y_j (iALS, about 0..1)', recommend: recommendIals, scorer: ialsScorer },
  evaluation,
  tuning: { ialsAlpha: [1, 2], ialsReg: [40, 80] },
};
