import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { directSimilarUsers } from '@movielens/compute/testing';
import { similarUsersAnswer } from '@movielens/contracts';
import { testRedisUrl } from '@movielens/test-support';
import { buildModel, eventually, seedDataset, startHarness, syntheticDataset, type Harness } from './fixtures';

// GET /users/:id/similar over HTTP on a real Redis, built by real compute workers: the lists are
// the cosine of binary rating rows (checked against a direct computation on the seeded ratings),
// 503 NOT_READY while the served set has no similarusers kind, 404 for an unknown user. The
// rp3beta kind of the same build answers ?algorithm=rp3beta.

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('GET /users/:id/similar', () => {
  it('is 503 NOT_READY without the similarusers kind, then serves the stored lists with their source; 404 for an unknown user', async () => {
    h = await startHarness();
    const data = syntheticDataset();
    await seedDataset(h.redis, h.keys, 'd1', data);
    const first = await buildModel(testRedisUrl(), h.prefix, { k: 4, topK: 10, recsN: 10, mf: false, similarUsers: false });
    await eventually(async () => (await h!.deps.readModel.current()).version === first);
    const off = await request(h.app).get('/api/v1/users/1/similar').expect(503);
    expect(off.body.error).toMatchObject({ code: 'NOT_READY', message: expect.stringMatching(/similarusers/) });
    // The rp3beta kind of the same build ranks for ?algorithm=rp3beta.
    const rp3 = await request(h.app).get('/api/v1/users/1/recommendations?algorithm=rp3beta&k=5').expect(200);
    expect(rp3.body).toMatchObject({ algorithm: 'rp3beta', source: { kind: 'rp3beta', datasetVersion: 'd1' } });
    expect(rp3.body.recommendations).toHaveLength(5);
    // ?explain=1: each recommendation names up to 3 of the user's rated movies, largest W weight first.
    const rated = new Set<number>();
    for (let i = 0; i < data.ratings.length; i++) if (data.ratings.users[i] === 1) rated.add(data.ratings.movies[i]);
    const explained = await request(h.app).get('/api/v1/users/1/recommendations?algorithm=rp3beta&k=3&explain=1').expect(200);
    for (const rec of explained.body.recommendations as { movieId: number; because: { movieId: number; weight: number }[] }[]) {
      expect(rated.has(rec.movieId)).toBe(false);
      expect(rec.because.length).toBeGreaterThan(0);
      expect(rec.because.length).toBeLessThanOrEqual(3);
      for (const b of rec.because) expect(rated.has(b.movieId)).toBe(true);
      const weights = rec.because.map((b) => b.weight);
      expect([...weights].sort((a, b) => b - a)).toEqual(weights);
    }

    const second = await buildModel(testRedisUrl(), h.prefix, { k: 4, topK: 10, recsN: 10, mf: false, similarUsersN: 5 });
    await eventually(async () => (await h!.deps.readModel.current()).version === second);
    for (const userId of [1, 37]) {
      const res = await request(h.app).get(`/api/v1/users/${userId}/similar?k=3`).expect(200);
      expect(res.headers['x-model-version']).toBe(second);
      expect(res.body).toMatchObject({ userId, model: second, source: { kind: 'similarusers', datasetVersion: 'd1' } });
      expect(res.body.source.version).toMatch(/^similarusers-\d+-[0-9a-f]{4}$/);
      // The documented schema (libs/contracts) holds every field of the answer, and nothing more.
      expect(similarUsersAnswer.strict().parse(res.body)).toEqual(res.body);
      const want = directSimilarUsers(data.ratings, userId, 3);
      expect(res.body.users.map((u: { userId: number; common: number }) => [u.userId, u.common])).toEqual(want.map((u) => [u.userId, u.common]));
      res.body.users.forEach((u: { score: number }, n: number) => expect(u.score).toBeCloseTo(want[n].score, 5));
    }
    // k beyond the stored list length gives the whole list (similarUsersN 5).
    const all = await request(h.app).get('/api/v1/users/1/similar?k=50').expect(200);
    expect(all.body.users).toHaveLength(5);
    const unknown = await request(h.app).get('/api/v1/users/99999/similar').expect(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    const bad = await request(h.app).get('/api/v1/users/1/similar?k=0').expect(400);
    expect(bad.body.error.message).toMatch(/k/);
  });

  it('is 503 naming the bound when the walk exceeds similarUsersMaxWork (the kind version is published with no lists)', async () => {
    h = await startHarness();
    await seedDataset(h.redis, h.keys, 'd1', syntheticDataset());
    const built = await buildModel(testRedisUrl(), h.prefix, { k: 4, topK: 10, recsN: 10, mf: false, ease: false, ials: false, rp3beta: false, selection: false, similarUsersMaxWork: 1 });
    await eventually(async () => (await h!.deps.readModel.current()).version === built);
    const res = await request(h.app).get('/api/v1/users/1/similar').expect(503);
    expect(res.body.error).toMatchObject({ code: 'NOT_READY', message: expect.stringMatching(/computed no similar users: the walk over \d+ users needs .* above similarUsersMaxWork/) });
  });
});
