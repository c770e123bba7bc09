/**
 * The liked prior as served (core `liked-prior.ts`): the rebuild's model selection tunes a weight
 * per ranking kind, and the API ranks that kind by its standardized scores plus the weight times
 * each movie's mean rating shrunk toward the global mean, for a user and for a visitor. The
 * expected lists are computed here from core's EASE and the seeded ratings, not through the API.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelectionKind, DEFAULT_KINDS, KindRegistry, selectionInfoSchema, type ModelKind, type SelectionInfo } from '@movielens/compute';
import { LIKED_SHRINK, trainEase } from '@movielens/core';
import { ModelStore } from '@movielens/store';
import { testRedisUrl } from '@movielens/test-support';
import { buildModel, eventually, seedDataset, startHarness, syntheticDataset, type Harness } from './fixtures';

const LAMBDA = 30;
// svd and analytics as served, EASE the only competing kind (one lambda, so only its weight is tuned).
const kinds: ModelKind[] = DEFAULT_KINDS.filter((k) => k.name === 'svd' || k.name === 'analytics' || k.name === 'ease').map((k) =>
  k.name === 'ease' ? { ...k, tuning: { easeLambda: [LAMBDA] } } : { ...k, tuning: undefined },
);
const registry = new KindRegistry([...kinds, createSelectionKind(() => kinds)]);
const data = syntheticDataset(11);
const model = trainEase(data.ratings, { lambda: LAMBDA });
const n = model.movieIds.length;

let h: Harness;
let info: SelectionInfo;

beforeAll(async () => {
  h = await startHarness({ kinds: registry });
  await seedDataset(h.redis, h.keys, 'd1', data);
  const set = await buildModel(testRedisUrl(), h.prefix, { k: 4, topK: 10, recsN: 10, easeLambda: LAMBDA, seed: 3 }, registry);
  await eventually(async () => (await h.deps.readModel.current()).version === set);
  const store = new ModelStore(h.redis, h.keys);
  info = selectionInfoSchema.parse((await store.kindMeta((await store.meta(set))!.kinds!.selection.version))!.info);
}, 120_000);
afterAll(async () => h?.close());

/** The prior of each EASE movie from the seeded ratings: (sum + s g) / (count + s) - g. */
function priorOfMovies(): Float64Array {
  const sum = new Map<number, number>();
  const count = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < data.ratings.length; i++) {
    const m = data.ratings.movies[i];
    sum.set(m, (sum.get(m) ?? 0) + data.ratings.ratings[i]);
    count.set(m, (count.get(m) ?? 0) + 1);
    total += data.ratings.ratings[i];
  }
  const g = total / data.ratings.length;
  return Float64Array.from(model.movieIds, (id) => ((sum.get(id) ?? 0) + LIKED_SHRINK * g) / ((count.get(id) ?? 0) + LIKED_SHRINK) - g);
}

/** The expected top `k` for a user who rated `rated`: EASE's summed B rows, standardized over every movie, plus w x prior. */
function expectedTop(rated: number[], w: number, k: number): { movieId: number; score: number }[] {
  const raw = new Float64Array(n);
  for (const id of rated) {
    const i = model.movieIds.indexOf(id);
    for (let j = 0; j < n; j++) raw[j] += model.weights[i * n + j];
  }
  const mean = raw.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(raw.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const prior = priorOfMovies();
  return Array.from(model.movieIds, (movieId, j) => ({ movieId, score: (raw[j] - mean) / sd + w * prior[j] }))
    .filter((m) => !rated.includes(m.movieId))
    .sort((a, b) => b.score - a.score || a.movieId - b.movieId)
    .slice(0, k);
}

describe('the liked prior over HTTP', () => {
  it('is tuned by the selection: a weight above 0 wins for EASE on this data, and is recorded with its grid point', () => {
    expect(info.grid.map((g) => g.params)).toEqual([0, 0.5, 1].map((liked) => ({ easeLambda: LAMBDA, liked })));
    expect(info.tuned.ease.liked).toBeGreaterThan(0);
    expect(info.winner?.kind).toBe('ease');
  });

  it("ranks a user by EASE's standardized scores plus the weight times the prior, and says so in scoreUnit", async () => {
    const w = info.tuned.ease.liked;
    const rated: number[] = [];
    for (let i = 0; i < data.ratings.length; i++) if (data.ratings.users[i] === 5) rated.push(data.ratings.movies[i]);
    const want = expectedTop(rated, w, 8);
    // Without the prior the order differs on this user (else this test could not fail).
    expect(expectedTop(rated, 0, 8).map((m) => m.movieId)).not.toEqual(want.map((m) => m.movieId));
    for (const path of ['/api/v1/users/5/recommendations?k=8', '/api/v1/users/5/recommendations?k=8&algorithm=ease']) {
      const res = await request(h.app).get(path).expect(200);
      expect(res.body.algorithm).toBe('ease');
      expect(res.body.scoreUnit).toMatch(new RegExp(`plus ${w} x the movie's mean rating shrunk`));
      expect(res.body.recommendations.map((r: { movieId: number }) => r.movieId)).toEqual(want.map((m) => m.movieId));
      res.body.recommendations.forEach((r: { score: number }, i: number) => expect(r.score).toBeCloseTo(want[i].score, 4));
    }
    // Paging cuts the same ranking.
    const second = await request(h.app).get('/api/v1/users/5/recommendations?k=4&offset=4').expect(200);
    expect(second.body.recommendations.map((r: { movieId: number }) => r.movieId)).toEqual(want.slice(4).map((m) => m.movieId));
  });

  it('ranks a visitor the same way', async () => {
    const liked = [2, 7, 11, 19].map((j) => model.movieIds[j]);
    const res = await request(h.app).post('/api/v1/recommendations').send({ liked, k: 6 }).expect(200);
    expect(res.body.algorithm).toBe('ease');
    expect(res.body.recommendations.map((r: { movieId: number }) => r.movieId)).toEqual(expectedTop(liked, info.tuned.ease.liked, 6).map((m) => m.movieId));
  });
});
