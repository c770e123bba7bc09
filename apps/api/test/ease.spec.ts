import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { trainEase } from '@movielens/core';
import { testRedisUrl } from '@movielens/test-support';
import { buildModel, eventually, seedDataset, startHarness, syntheticDataset, type Harness } from './fixtures';

// ?algorithm=ease over HTTP on a real Redis, built by real compute workers: the answers equal
// core's EASE on the seeded ratings (trainEase, whose B is checked against a direct dense solve
// in libs/core/src/ease/ease.spec.ts), for a user, an explanation and a visitor.

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Rec {
  movieId: number;
  score: number;
  because?: { movieId: number; weight: number }[];
}

const data = syntheticDataset();
const model = trainEase(data.ratings, { lambda: 30 });
const n = model.movieIds.length;
const index = (movieId: number) => model.movieIds.indexOf(movieId);

/** The rated movie ids of `userId` in the synthetic set. */
function ratedBy(userId: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.ratings.length; i++) if (data.ratings.users[i] === userId) out.push(data.ratings.movies[i]);
  return out;
}

/** The expected top `k`: sums of B rows over `rated`, unrated movies only, ties by lower id. */
function expectedTop(rated: number[], k: number): { movieId: number; score: number }[] {
  const scores = new Float32Array(n);
  for (const i of rated) for (let j = 0; j < n; j++) scores[j] += model.weights[index(i) * n + j];
  return Array.from(model.movieIds)
    .map((movieId, j) => ({ movieId, score: scores[j] }))
    .filter((m) => !rated.includes(m.movieId))
    .sort((a, b) => b.score - a.score || a.movieId - b.movieId)
    .slice(0, k);
}

describe('?algorithm=ease', () => {
  it('ranks a user and a visitor by summed B rows, explains with the largest B[rated][movie], and names its source', async () => {
    h = await startHarness();
    await seedDataset(h.redis, h.keys, 'd1', data);
    const set = await buildModel(testRedisUrl(), h.prefix, { k: 4, topK: 10, recsN: 10, mf: false, easeLambda: 30, selectionLiked: false });
    await eventually(async () => (await h!.deps.readModel.current()).version === set);

    const rated = ratedBy(5);
    const want = expectedTop(rated, 5);
    const res = await request(h.app).get('/api/v1/users/5/recommendations?algorithm=ease&k=5&explain=1').expect(200);
    expect(res.body).toMatchObject({ userId: 5, algorithm: 'ease', source: { kind: 'ease', datasetVersion: 'd1' } });
    const recs = res.body.recommendations as Rec[];
    expect(recs.map((r) => r.movieId)).toEqual(want.map((r) => r.movieId));
    recs.forEach((r, i) => expect(r.score).toBeCloseTo(want[i].score, 5));
    for (const r of recs) {
      const reasons = rated
        .map((i) => ({ movieId: i, weight: model.weights[index(i) * n + index(r.movieId)] }))
        .filter((c) => c.weight > 0)
        .sort((a, b) => b.weight - a.weight || a.movieId - b.movieId)
        .slice(0, r.because!.length);
      expect(r.because!.length).toBeGreaterThan(0);
      expect(r.because!.map((b) => b.movieId)).toEqual(reasons.map((c) => c.movieId));
    }

    // A visitor who rated the same movies gets the same list (stars do not matter to EASE).
    const ratings = rated.map((movieId) => ({ movieId, rating: 1 }));
    const visitor = await request(h.app).post('/api/v1/recommendations?algorithm=ease').send({ ratings, k: 5 }).expect(200);
    expect((visitor.body.recommendations as Rec[]).map((r) => r.movieId)).toEqual(want.map((r) => r.movieId));
  });

  it('answers 503 NOT_READY when the served ease kind was skipped above easeMaxMovies', async () => {
    h = await startHarness();
    await seedDataset(h.redis, h.keys, 'd1', data);
    const set = await buildModel(testRedisUrl(), h.prefix, { k: 4, topK: 10, recsN: 10, mf: false, easeMaxMovies: 10 });
    await eventually(async () => (await h!.deps.readModel.current()).version === set);
    const res = await request(h.app).get('/api/v1/users/5/recommendations?algorithm=ease&k=5');
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'NOT_READY', message: expect.stringMatching(/ease kind version ease-\d+-[0-9a-f]+ of model .* was skipped/) });
  });
});
