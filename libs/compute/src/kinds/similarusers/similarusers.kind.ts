/**
 * `similarusers`: for every user, the users most like them (cosine of binary rating rows, core
 * `neighbourhood/user-cosine.ts`: see there why binary rows), with the number of movies each pair
 * rated in common; served by `GET /users/:id/similar`. Training builds and stages the rating
 * graph; the lists are computed in row jobs that every compute worker shares.
 *
 * Stored form (under the kind version `similarusers-<ms>-<hex>`):
 *
 *   similar-users   sharded hash (user id modulo `shards`): user id -> packed list
 *                   (similar-users.codec.ts: user ids, Float32 cosines, Int32 common movies)
 *   staging:graph   build only: the rating graph for the row jobs (graph-staging.ts), then dropped
 */
import type { RowsJobData } from '@movielens/jobs';
import { z } from 'zod';
import { RebuildJobError } from '../../errors';
import { graphOf, loadStagedGraph, partsFor, squaredDegrees, stageGraph } from '../graph-staging';
import type { KindContext, KindTrained, ModelKind, RowsContext } from '../model-kind';
import { rowBlocks } from '../svd/staging';
import { packSimilarUsers } from './similar-users.codec';

/** Name of the kind's sharded table. */
export const SIMILAR_USERS_TABLE = 'similar-users';

/** The `similarusers` kind's slice of the rebuild parameters. */
export const similarUsersParams = z.object({
  /** Compute every user's most similar users (served by GET /users/:id/similar). Default true. */
  similarUsers: z.boolean().default(true),
  /** Similar users kept per user (the largest `k` the route can answer). Default 50. */
  similarUsersN: z.number().int().min(1).max(100).default(50),
  /**
   * The walk's bound: its steps are the sum over movies of (raters)^2 (about 1e9 on ML-1M, a few
   * seconds of CPU; about 2e11 on ML-25M). Above it the kind is skipped, with the reason in its
   * kind metadata (`info.skipped`), and `GET /users/:id/similar` answers 503 naming it. Default 1e11.
   */
  similarUsersMaxWork: z.number().min(1).default(1e11),
});

async function train(ctx: KindContext): Promise<KindTrained> {
  const p = similarUsersParams.parse(ctx.params);
  const shards = Number(ctx.params.shards);
  await ctx.progress('user-graph', 0);
  let t = performance.now();
  const ratings = await ctx.dataset.ratings();
  const timings: Record<string, number> = { load: performance.now() - t };
  t = performance.now();
  const staged = graphOf(ratings);
  const { graph } = staged;
  // A user's row walks every rater of every movie they rated: sum over movies of (raters)^2.
  const work = squaredDegrees(graph.moviePtr);
  if (work > p.similarUsersMaxWork) {
    const skipped = `the walk over ${graph.users} users needs ${work.toExponential(2)} steps (sum over movies of raters^2), above similarUsersMaxWork ${p.similarUsersMaxWork.toExponential(2)}; raise it to compute similar users anyway`;
    ctx.logger.warn({ users: graph.users, walkSteps: work, maxWork: p.similarUsersMaxWork }, 'similarusers skipped');
    await ctx.progress('similar-users', 100);
    return { info: { skipped, users: graph.users, walkSteps: work, maxWork: p.similarUsersMaxWork }, timings };
  }
  const scratch = [await stageGraph(ctx.writer, ctx.version, staged)];
  timings.graph = performance.now() - t;
  await ctx.progress('user-graph', 100);
  const blocks = rowBlocks(graph.users, partsFor(graph.users, work));
  ctx.logger.info({ users: graph.users, movies: graph.movies, walkSteps: work, rowJobs: blocks.length }, 'similar-users graph staged');
  const rows = blocks.map((b) => ({ kind: 'similarusers', modelVersion: ctx.version, table: SIMILAR_USERS_TABLE, part: b.part, rowStart: b.start, rowEnd: b.end, shards, n: p.similarUsersN, minCount: 0 }));
  return { info: { users: graph.users, n: p.similarUsersN }, timings, shards, scratch, rows };
}

/** Computes (in a compute thread) and writes the lists of users [rowStart, rowEnd); returns the rows written. */
async function writeRows(ctx: RowsContext, data: RowsJobData): Promise<number> {
  if (data.table !== SIMILAR_USERS_TABLE) throw new RebuildJobError(`similarusers has no row table ${data.table}`);
  const { graph, userIds } = await loadStagedGraph(ctx, data.modelVersion);
  const block = await ctx.thread.run({ kind: 'similar-users-rows', graph, n: data.n, rowStart: data.rowStart, rowEnd: data.rowEnd });
  const rows = data.rowEnd - data.rowStart;
  const lists: Buffer[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * block.width;
    let len = 0;
    while (len < block.width && block.ids[base + len] >= 0) len++;
    const ids = Int32Array.from(block.ids.subarray(base, base + len), (v) => userIds[v]);
    lists[r] = packSimilarUsers(ids, block.scores.subarray(base, base + len), block.common.subarray(base, base + len));
  }
  await ctx.writer.putRows(data.modelVersion, SIMILAR_USERS_TABLE, data.part, userIds.subarray(data.rowStart, data.rowEnd), lists, data.shards);
  return rows;
}

/** The `similarusers` kind. */
export const similarUsersKind: ModelKind = {
  name: 'similarusers',
  summary: 'Users most like each user: cosine of their binary rating rows (GET /users/:id/similar)',
  params: similarUsersParams,
  enabled: (params) => params.similarUsers !== false,
  required: false,
  dependsOn: [],
  stages: ['user-graph', 'similar-users'],
  rowStages: { [SIMILAR_USERS_TABLE]: 'similar-users' },
  tables: [SIMILAR_USERS_TABLE],
  train,
  writeRows,
};
