import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { directSimilarUsers, openRebuildHarness, type RebuildHarness, seedDataset, startInProcessWorkers, syntheticDataset } from '../../test/fixtures';
import type { ComputeWorkers } from '../compute-workers';
import { KindRegistry } from './registry';
import { svdKind } from './svd/svd.kind';
import { analyticsKind } from './analytics/analytics.kind';
import { similarUsersKind, SIMILAR_USERS_TABLE } from './similarusers/similarusers.kind';
import { unpackSimilarUsers } from './similarusers/similar-users.codec';
import { rp3betaKind } from './rp3beta/rp3beta.kind';

// The neighbourhood kinds trained by a real rebuild (row jobs on two shard slots, a real Redis),
// published, and read back through the model store; every number is checked against a direct
// dense computation on the same synthetic ratings (90 users x 60 movies, 25 ratings each).

let h: RebuildHarness;
let workers: ComputeWorkers;
const registry = new KindRegistry([svdKind, analyticsKind, rp3betaKind, similarUsersKind]);
const data = syntheticDataset();

beforeEach(async () => {
  h = await openRebuildHarness('rp3beta-kind');
  await seedDataset(h.redis, h.keys, 'd1');
  workers = await startInProcessWorkers(h.redis, h.connection, h.prefix, undefined, { registry, shardConcurrency: 2 });
});
afterEach(async () => {
  await workers.close();
  await h.close();
});

/** The binary rating matrix of the synthetic set as rated movie sets per user and raters per movie. */
function graph() {
  const byUser = new Map<number, Set<number>>();
  const byMovie = new Map<number, Set<number>>();
  for (let i = 0; i < data.ratings.length; i++) {
    const u = data.ratings.users[i];
    const m = data.ratings.movies[i];
    if (!byUser.has(u)) byUser.set(u, new Set());
    if (!byMovie.has(m)) byMovie.set(m, new Set());
    byUser.get(u)!.add(m);
    byMovie.get(m)!.add(u);
  }
  return { byUser, byMovie };
}

/** W[i][j] by its definition (Paudel et al.: P(u|i)^a P(j|u)^a summed over users, / raters(j)^b), i != j. */
function directW(i: number, j: number, alpha: number, beta: number): number {
  const { byUser, byMovie } = graph();
  if (i === j) return 0;
  let s = 0;
  for (const u of byMovie.get(i)!) if (byUser.get(u)!.has(j)) s += (1 / byMovie.get(i)!.size) ** alpha * (1 / byUser.get(u)!.size) ** alpha;
  return s / byMovie.get(j)!.size ** beta;
}

describe('the rp3beta kind', () => {
  it('is trained in row jobs, published, and its scorer gives the sum of W rows of the rated movies', async () => {
    // 60 movies: keeping 60 neighbours keeps all of W, so the scores are exact.
    await h.rebuild({ k: 3, parts: 2, rp3Alpha: 0.8, rp3Beta: 0.5, rp3Neighbours: 60 });
    const set = (await h.models.meta((await h.models.currentVersion())!))!;
    expect(Object.keys(set.kinds!).sort()).toEqual(['analytics', 'rp3beta', 'similarusers', 'svd']);
    expect(set.tables['staging:graph']).toBeUndefined();
    const scorer = (await rp3betaKind.recommender!.scorer!(h.models, set.id))!;
    expect(scorer.movieIds.length).toBe(60);
    const rated = [...graph().byUser.get(1)!];
    const out = new Float32Array(60);
    expect(scorer.score({ userId: 1, movieIds: rated, ratings: rated.map(() => 4), changed: false }, out)).toBe(true);
    for (const j of [0, 7, 31, 59]) {
      const movie = scorer.movieIds[j];
      const want = rated.reduce((s, i) => s + directW(i, movie, 0.8, 0.5), 0);
      expect(out[j]).toBeCloseTo(want, 5);
    }
    // explain: the rated movies with the largest W[rated][movie], largest first.
    const target = scorer.movieIds[7];
    const reasons = scorer.explain!({ movieIds: rated, ratings: rated.map(() => 4), changed: true }, target, 3);
    const want = rated.map((i) => ({ movieId: i, weight: directW(i, target, 0.8, 0.5) })).filter((c) => c.weight > 0).sort((a, b) => b.weight - a.weight || a.movieId - b.movieId).slice(0, 3);
    expect(reasons.map((r) => r.movieId)).toEqual(want.map((r) => r.movieId));
    reasons.forEach((r, n) => expect(r.weight).toBeCloseTo(want[n].weight, 5));
    // A visitor rating no movie the kind knows cannot be scored.
    expect(scorer.score({ movieIds: [999999], ratings: [5], changed: true }, out)).toBe(false);
  });

  it('recommends the best unrated movies (?algorithm=rp3beta), keeping the top rp3Neighbours weights per movie', async () => {
    await h.rebuild({ k: 3, parts: 2, rp3Neighbours: 5 });
    const set = (await h.models.currentVersion())!;
    const { kind, recommender } = registry.recommenders().get('rp3beta')!;
    expect(kind).toBe('rp3beta');
    const { byUser, byMovie } = graph();
    const rated = byUser.get(1)!;
    // Reference: each rated movie's 5 largest W weights (default alpha 0.75, beta 0.6), summed.
    const score = new Map<number, number>();
    for (const i of rated) {
      const row = [...byMovie.keys()].map((j) => [j, directW(i, j, 0.75, 0.6)]).filter(([, w]) => w > 0).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 5);
      for (const [j, w] of row) score.set(j, (score.get(j) ?? 0) + w);
    }
    const want = [...score].filter(([j]) => !rated.has(j)).sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, 4);
    const got = (await recommender.recommend(h.models, set, 1, 4, rated))!;
    expect(got.map((r) => r.movieId)).toEqual(want.map(([j]) => j));
    got.forEach((r, n) => expect(r.score).toBeCloseTo(want[n][1], 5));
    expect(await recommender.recommend(h.models, set, 12345, 4, new Set())).toBeNull();
  });
});

describe('the similarusers kind', () => {
  it('stores every user\'s most similar users: cosine of binary rows, with the movies in common', async () => {
    await h.rebuild({ k: 3, parts: 2, rp3beta: false, similarUsersN: 5 });
    const set = (await h.models.currentVersion())!;
    for (const u of [1, 45, 90]) {
      const want = directSimilarUsers(data.ratings, u, 5);
      const got = unpackSimilarUsers((await h.models.row(set, SIMILAR_USERS_TABLE, u))!);
      expect(got.map((x) => [x.userId, x.common])).toEqual(want.map((x) => [x.userId, x.common]));
      got.forEach((x, n) => expect(x.score).toBeCloseTo(want[n].score, 5));
    }
    expect(await h.models.row(set, SIMILAR_USERS_TABLE, 12345)).toBeNull();
  });
});
