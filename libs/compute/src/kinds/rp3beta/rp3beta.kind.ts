/**
 * `rp3beta`: RP3beta (Paudel et al. 2017), a three-step random walk movie -> user -> movie on the
 * binary rating graph with a popularity penalty (core `neighbourhood/rp3beta.ts`). Training builds
 * the graph and stages it; W's movie rows are computed in row jobs that every compute worker
 * shares, each keeping its `rp3Neighbours` largest weights. A user's score of a movie is the sum
 * of W[rated][movie] over their rated movies. On ML-100K u1..u5 it ranks about 1.7x better than
 * PureSVD (NDCG@10 0.353 against 0.203, docs/EVALUATION.md).
 *
 * Stored form (under the kind version `rp3beta-<ms>-<hex>`):
 *
 *   rp3-movies      column table { movieIds Int32 (the catalogue, ascending), raters Int32 }
 *   rp3             sharded hash (movie id modulo `shards`): movie id -> packed scored list of its
 *                   kept W row (neighbour movie ids, Float32 weights), largest first; [] for a
 *                   movie with no co-rated movie
 *   staging:graph   build only: the rating graph for the row jobs (graph-staging.ts), then dropped
 */
import { packColumns } from '@movielens/store';
import { rowBlocks } from '../svd/staging';
import { graphOf, partsFor, squaredDegrees, stageGraph } from '../graph-staging';
import type { KindContext, KindTrained, ModelKind } from '../model-kind';
import { rp3betaEvaluation } from './rp3beta.evaluation';
import { rp3betaParams } from './rp3beta.params';
import { writeRp3betaRows } from './rp3beta-rows';
import { loadRp3betaScorer, recommendRp3beta } from './rp3beta-scorer';
import { RP3_MOVIES_TABLE, RP3_TABLE } from './rp3beta.tables';

async function train(ctx: KindContext): Promise<KindTrained> {
  const p = rp3betaParams.parse(ctx.params);
  const shards = Number(ctx.params.shards);
  await ctx.progress('rp3-graph', 0);
  let t = performance.now();
  const ratings = await ctx.dataset.ratings();
  const timings: Record<string, number> = { load: performance.now() - t };
  t = performance.now();
  const staged = graphOf(ratings, [p.rp3Alpha, p.rp3Beta]);
  const { graph, movieIds } = staged;
  const raters = new Int32Array(graph.movies);
  for (let m = 0; m < graph.movies; m++) raters[m] = graph.moviePtr[m + 1] - graph.moviePtr[m];
  await ctx.writer.putTable(ctx.version, RP3_MOVIES_TABLE, packColumns({ movieIds, raters }));
  const scratch = [await stageGraph(ctx.writer, ctx.version, staged)];
  timings.graph = performance.now() - t;
  await ctx.progress('rp3-graph', 100);
  // A movie row walks every movie of every rater: the table costs sum over users of (movies rated)^2.
  const work = squaredDegrees(graph.userPtr);
  const blocks = rowBlocks(graph.movies, partsFor(graph.movies, work));
  ctx.logger.info({ users: graph.users, movies: graph.movies, ratings: ratings.length, walkSteps: work, rowJobs: blocks.length }, 'rp3beta graph staged');
  const rows = blocks.map((b) => ({ kind: 'rp3beta', modelVersion: ctx.version, table: RP3_TABLE, part: b.part, rowStart: b.start, rowEnd: b.end, shards, n: p.rp3Neighbours, minCount: 0 }));
  return { info: { users: graph.users, movies: graph.movies, ratings: ratings.length, neighbours: p.rp3Neighbours }, timings, shards, scratch, rows };
}

/** The `rp3beta` kind. */
export const rp3betaKind: ModelKind = {
  name: 'rp3beta',
  summary: 'RP3beta: item-item weights of a three-step random walk on the rating graph, popularity-penalised',
  params: rp3betaParams,
  enabled: (params) => params.rp3beta !== false,
  required: false,
  dependsOn: [],
  stages: ['rp3-graph', 'rp3beta'],
  rowStages: { [RP3_TABLE]: 'rp3beta' },
  tables: [RP3_MOVIES_TABLE, RP3_TABLE],
  train,
  writeRows: writeRp3betaRows,
  recommender: { algorithm: 'rp3beta', scoreUnit: 'sum of RP3beta item weights (random-walk probability, popularity-penalised)', recommend: recommendRp3beta, scorer: loadRp3betaScorer },
  evaluation: rp3betaEvaluation,
  // alpha 0.75 / beta 0.6 is the best of this grid on ML-100K u1..u5 (bench/rp3beta-sweep.ts).
  tuning: { rp3Alpha: [0.75, 1], rp3Beta: [0.5, 0.6, 0.7] },
};
