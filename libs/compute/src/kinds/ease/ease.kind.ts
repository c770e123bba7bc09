/**
 * `ease`: EASE (Steck 2019), item-item weights B in closed form from the binary user x movie
 * matrix (core `ease/`): the Gram matrix from the sparse ratings, a blocked Cholesky inverse in
 * Float64 in a compute thread, B = -P / diag(P) with a zero diagonal. A user's score of a movie
 * is the sum of B[rated][movie] over their rated movies. Its cost is declared and bounded:
 * movies^2 memory and movies^3 time, so above `easeMaxMovies` (after `easeTopMovies`) the kind
 * is skipped with the reason in its kind version's `info` (`skipped`), and serves nothing.
 *
 * Stored form (under the kind version `ease-<ms>-<hex>`):
 *
 *   ease-movies   column table { movieIds Int32 (the catalogue, ascending),
 *                                layout Int32 [movies, rowsPerPart, parts] }
 *   ease:<part>   B's rows [part * rowsPerPart, (part + 1) * rowsPerPart): raw Float32
 *                 (platform order, little-endian), row-major, movies columns each
 *
 * Why B in parts of at most 8 MB rather than one string: at ML-1M's 3,706 movies B is 55 MB,
 * and one SET or GET of that holds Redis's single thread for tens of ms and nears its 512 MB
 * bulk limit at 11,600 movies; parts keep every command small, and the API fetches them in
 * parallel. Why not one hash field per movie row: serving needs all of B anyway (a user's
 * score sums whole rows), so 3,706 fields would only add per-field overhead to the load.
 */
import { easeAlgorithm, easeBytes, keptMovies, type Algorithm } from '@movielens/core';
import { packColumns } from '@movielens/store';
import { KindBoundError } from '../../errors';
import type { BuildParams, KindContext, KindTrained, ModelKind } from '../model-kind';
import { easeParams } from './ease.params';
import { loadEaseScorer, recommendEase } from './ease-scorer';
import { EASE_MOVIES_TABLE, easePartTable, easeRowsPerPart } from './ease.tables';

async function train(ctx: KindContext): Promise<KindTrained> {
  const p = easeParams.parse(ctx.params);
  await ctx.progress('ease', 0);
  let t = performance.now();
  const ratings = await ctx.dataset.ratings();
  const timings: Record<string, number> = { load: performance.now() - t };
  const movies = keptMovies(ratings, p.easeTopMovies).length;
  if (movies > p.easeMaxMovies) {
    const skipped = `${movies} movies${p.easeTopMovies > 0 ? ` (easeTopMovies ${p.easeTopMovies})` : ''} exceed easeMaxMovies ${p.easeMaxMovies}: EASE needs ~${Math.round(easeBytes(movies) / 2 ** 20)} MB and time in movies^3; set easeTopMovies to at most ${p.easeMaxMovies} or raise easeMaxMovies`;
    ctx.logger.warn({ movies, maxMovies: p.easeMaxMovies }, 'ease skipped');
    await ctx.progress('ease', 100);
    return { info: { skipped, movies, maxMovies: p.easeMaxMovies }, timings };
  }
  t = performance.now();
  const model = await ctx.thread.run({ kind: 'train-ease', ratings, lambda: p.easeLambda, topMovies: p.easeTopMovies });
  timings.train = performance.now() - t;
  for (const [stage, ms] of Object.entries(model.timings)) timings[stage] = ms;
  t = performance.now();
  const n = model.movieIds.length;
  const rowsPerPart = easeRowsPerPart(n);
  const parts = Math.ceil(n / rowsPerPart);
  await ctx.writer.putTable(ctx.version, EASE_MOVIES_TABLE, packColumns({ movieIds: model.movieIds, layout: Int32Array.of(n, rowsPerPart, parts) }));
  const w = model.weights;
  for (let part = 0; part < parts; part++) {
    const rows = w.subarray(part * rowsPerPart * n, Math.min(n, (part + 1) * rowsPerPart) * n);
    await ctx.writer.putTable(ctx.version, easePartTable(part), Buffer.from(rows.buffer, rows.byteOffset, rows.byteLength));
  }
  timings.write = performance.now() - t;
  await ctx.progress('ease', 100);
  ctx.logger.info({ users: model.users, movies: n, interactions: model.interactions, lambda: model.lambda, parts, trainMs: Math.round(model.ms) }, 'ease model trained');
  return { info: { users: model.users, movies: n, interactions: model.interactions, lambda: model.lambda, parts }, timings };
}

/**
 * The same model as `movielens evaluate` fits it, with the build parameters (defaults when
 * omitted): every training movie is kept (`easeTopMovies` bounds the served build only), and a
 * training catalogue above `easeMaxMovies` is refused (KindBoundError: model selection skips the
 * candidate) rather than allocating movies^2 doubles.
 */
function evaluation(params?: BuildParams): Algorithm {
  const p = easeParams.parse(params ?? {});
  const ease = easeAlgorithm(p.easeLambda);
  return {
    name: ease.name,
    fit(training) {
      const movies = training.data.movieIds.length;
      if (movies > p.easeMaxMovies) {
        throw new KindBoundError(`ease: ${movies} training movies exceed easeMaxMovies ${p.easeMaxMovies} (~${Math.round(easeBytes(movies) / 2 ** 20)} MB, time in movies^3); not fitted`);
      }
      return ease.fit(training);
    },
  };
}

/** The `ease` kind. */
export const easeKind: ModelKind = {
  name: 'ease',
  summary: 'EASE (Steck 2019): closed-form item-item weights from the binary rating matrix, bounded by easeMaxMovies',
  params: easeParams,
  enabled: (params) => params.ease !== false,
  required: false,
  dependsOn: [],
  stages: ['ease'],
  tables: [EASE_MOVIES_TABLE, 'ease:<part>'],
  train,
  recommender: { algorithm: 'ease', scoreUnit: 'sum of EASE item weights B[rated][movie]', recommend: recommendEase, scorer: loadEaseScorer },
  evaluation,
  // 100 ranked last of 100..2000 on ML-100K (docs/EVALUATION.md), and each point is a whole fit
  // (about 4 s of CPU on ML-1M): three points around the default.
  tuning: { easeLambda: [250, 500, 1000] },
};
