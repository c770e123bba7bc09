import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { indexRatings, trainIals } from '@movielens/core';
import { testRedisUrl } from '@movielens/test-support';
import { buildModel, eventually, seedDataset, startHarness, syntheticDataset, type Harness } from './fixtures';

// ?algorithm=ials over HTTP on a real Redis, built by real compute workers (each half-iteration a
// round of row jobs): the user's top movies are those of core's single-process trainIals with the
// same seed and settings, rated movies left out, and ?explain=1 names rated movies.

const PARAMS = { selectionLiked: false, k: 4, topK: 10, recsN: 10, mf: false, ease: false, rp3beta: false, similarUsers: false, ialsFactors: 6, ialsIterations: 3, seed: 42 };

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('GET /users/:id/recommendations?algorithm=ials', () => {
  it('ranks by the sharded factors (equal to the single-process model) and explains through them', async () => {
    h = await startHarness();
    const data = syntheticDataset();
    await seedDataset(h.redis, h.keys, 'd1', data);
    const ver = await buildModel(testRedisUrl(), h.prefix, PARAMS);
    await eventually(async () => (await h!.deps.readModel.current()).version === ver);

    const userId = 7;
    const rated = new Set<number>();
    for (let i = 0; i < data.ratings.length; i++) if (data.ratings.users[i] === userId) rated.add(data.ratings.movies[i]);
    // The reference: x_u . y_j of core trainIals (kind defaults: alpha 1, reg 40, rating confidence).
    const model = trainIals(indexRatings(data.ratings), { factors: 6, iterations: 3, seed: 42 });
    const u = [...model.userIds].indexOf(userId);
    const scores = [...model.movieIds].map((movieId, j) => ({ movieId, score: model.X.subarray(u * 6, u * 6 + 6).reduce((s, x, c) => s + x * model.Y[j * 6 + c], 0) }));
    const want = scores.filter((m) => !rated.has(m.movieId)).sort((a, b) => b.score - a.score || a.movieId - b.movieId).slice(0, 5);

    const res = await request(h.app).get(`/api/v1/users/${userId}/recommendations?algorithm=ials&k=5`).expect(200);
    expect(res.body).toMatchObject({ algorithm: 'ials', source: { kind: 'ials', datasetVersion: 'd1' } });
    expect(res.body.source.version).toMatch(/^ials-\d+-[0-9a-f]{4}$/);
    const got = res.body.recommendations as { movieId: number; score: number }[];
    expect(got.map((r) => r.movieId)).toEqual(want.map((m) => m.movieId));
    got.forEach((r, n) => expect(r.score).toBeCloseTo(want[n].score, 4));

    const explained = await request(h.app).get(`/api/v1/users/${userId}/recommendations?algorithm=ials&k=3&explain=1`).expect(200);
    for (const rec of explained.body.recommendations as { movieId: number; because: { movieId: number; weight: number }[] }[]) {
      expect(rated.has(rec.movieId)).toBe(false);
      expect(rec.because.length).toBeGreaterThan(0);
      expect(rec.because.length).toBeLessThanOrEqual(3);
      for (const b of rec.because) expect(rated.has(b.movieId)).toBe(true);
      const weights = rec.because.map((b) => b.weight);
      expect([...weights].sort((a, b) => b - a)).toEqual(weights);
    }
  });
});
