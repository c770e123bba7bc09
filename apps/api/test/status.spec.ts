/**
 * What the page's banners and the admin view read: `GET /status` (served model, its data,
 * a newer dataset, builds in progress), "being trained" on the next-movie routes while an
 * LSTM build waits or runs, "recently popular", and the year and genres of every list entry.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultKinds } from '@movielens/compute';
import { recentlyPopular } from '@movielens/core';
import { requestRebuild } from '@movielens/jobs';
import { harnessWithModel, seedDataset, startHarness, syntheticDataset, type Harness } from './fixtures';

const data = syntheticDataset();
let h: Harness;
let version: string;

const movieOf = (movieId: number) => data.movies.find((m) => m.id === movieId)!;

beforeAll(async () => {
  ({ harness: h, version } = await harnessWithModel(data, { k: 5, topK: 20, recsN: 20, mf: false, selection: false }));
}, 120_000);
afterAll(async () => h?.close());

describe('GET /status', () => {
  it('before any model: no model, and the ingested dataset as the one being built', async () => {
    const empty = await startHarness();
    try {
      expect((await request(empty.app).get('/api/v1/status').expect(200)).body).toMatchObject({ model: null, dataset: null, newDataset: null, builds: [], searchExample: null });
      await seedDataset(empty.redis, empty.keys, 'd1', data);
      const res = await request(empty.app).get('/api/v1/status').expect(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({ model: null, newDataset: { version: 'd1', createdAt: expect.any(String) } });
    } finally {
      await empty.close();
    }
  });

  it('describes the served model and its data: real titles, demographics, no LSTM, the most rated title as search example', async () => {
    const res = await request(h.app).get('/api/v1/status').expect(200);
    expect(res.body.model).toMatchObject({ version, datasetVersion: 'd1', nextMovies: false });
    expect(res.body.dataset).toMatchObject({ version: 'd1', release: 'ml-1m', synthetic: false, demographics: true, counts: { ratings: data.ratings.length } });
    expect(res.body.newDataset).toBeNull();
    const { movies } = (await request(h.app).get('/api/v1/analytics/most-rated?limit=1').expect(200)).body as { movies: { title: string }[] };
    expect(res.body.searchExample).toBe(movies[0].title);
  });

  it("lists every ranking kind's algorithm in registry order: served when the set has its kind, puresvd the default without a selection", async () => {
    const res = await request(h.app).get('/api/v1/status').expect(200);
    const algorithms = res.body.model.algorithms as { algorithm: string; kind: string; scoreUnit: string; served: boolean; default: boolean }[];
    // Expected from the registry itself (its recommenders, in order) and this harness's set: built with mf: false, selection: false.
    expect(algorithms.map((a) => a.algorithm)).toEqual([...defaultKinds.recommenders().keys()]);
    const by = new Map(algorithms.map((a) => [a.algorithm, a]));
    expect(by.get('puresvd')).toEqual({ algorithm: 'puresvd', kind: 'svd', scoreUnit: defaultKinds.recommenders().get('puresvd')!.recommender.scoreUnit, served: true, default: true });
    expect(by.get('mf')).toMatchObject({ kind: 'mf', served: false, default: false });
    expect(algorithms.filter((a) => a.default)).toHaveLength(1);
    // Each algorithm's served flag agrees with what its recommendations answer: 200, or 503 NOT_READY.
    const user = data.ratings.users[0];
    for (const a of algorithms) {
      const recs = await request(h.app).get(`/api/v1/users/${user}/recommendations?k=3&algorithm=${a.algorithm}`);
      expect(recs.status, a.algorithm).toBe(a.served ? 200 : 503);
    }
  });

  it('names a newer dataset that the served model is not built from yet', async () => {
    const other = await harnessWithModel(data, { k: 5, topK: 20, recsN: 20, mf: false });
    try {
      await seedDataset(other.harness.redis, other.harness.keys, 'd2', data);
      const res = await request(other.harness.app).get('/api/v1/status').expect(200);
      expect(res.body.model.datasetVersion).toBe('d1');
      expect(res.body.newDataset).toMatchObject({ version: 'd2' });
    } finally {
      await other.harness.close();
    }
  });
});

describe('next movies while an LSTM is being trained', () => {
  it('answers 503 LSTM_TRAINING (not "start a rebuild") while a build with lstm: true waits, and lists that build in /status', async () => {
    const job = await requestRebuild(h.deps.queues.rebuild, { trigger: 'api', params: { lstm: true } }, { debounceMs: 0 });
    try {
      const user = await request(h.app).get('/api/v1/users/7/next').expect(503);
      expect(user.body.error).toEqual({ code: 'LSTM_TRAINING', message: expect.stringMatching(/no next-movie LSTM yet: one is being trained \(its build is queued\).*retry in a few minutes/) });
      const session = await request(h.app).post('/api/v1/sessions/next').send({ movies: [3, 6] }).expect(503);
      expect(session.body.error.code).toBe('LSTM_TRAINING');
      const status = await request(h.app).get('/api/v1/status').expect(200);
      expect(status.body.builds).toEqual([expect.objectContaining({ id: `rebuild:${job.id}`, name: 'rebuild', state: 'waiting', lstm: true, trigger: 'api', stage: null, startedAt: null })]);
    } finally {
      await job.remove();
    }
    const plain = await request(h.app).get('/api/v1/users/7/next').expect(503);
    expect(plain.body.error.code).toBe('NOT_READY');
    expect(plain.body.error.message).toMatch(/lstm: true/);
  });
});

describe('lists carry each movie\'s year and genres', () => {
  it('similar movies, recommendations, a user\'s highest rated and the rankings', async () => {
    const similar = (await request(h.app).get('/api/v1/movies/3/similar?k=3').expect(200)).body.similar;
    const recs = (await request(h.app).get('/api/v1/users/1/recommendations?k=3').expect(200)).body.recommendations;
    const top = (await request(h.app).get('/api/v1/users/1').expect(200)).body.topRated;
    const ranked = (await request(h.app).get('/api/v1/analytics/top-rated?minRatings=1&limit=3').expect(200)).body.movies;
    for (const entry of [...similar, ...recs, ...top, ...ranked] as { movieId: number; title: string; year: number; genres: string[] }[]) {
      const movie = movieOf(entry.movieId);
      expect(entry).toMatchObject({ title: movie.title, year: movie.year, genres: movie.genres });
    }
  });
});

describe('GET /analytics/recently-popular', () => {
  it('ranks the movies rated most among the newest tenth of the ratings (core recentlyPopular), with the window', async () => {
    const res = await request(h.app).get('/api/v1/analytics/recently-popular?limit=5').expect(200);
    const want = recentlyPopular(data.ratings, { share: 0.1, limit: 5 })!;
    expect(res.body).toMatchObject({ model: version, since: new Date(want.since * 1000).toISOString(), until: new Date(want.until * 1000).toISOString(), ratings: want.ratings });
    expect(res.body.movies.map((m: { movieId: number; value: number }) => [m.movieId, m.value])).toEqual(want.movies.map((m) => [m.movieId, m.count]));
    expect(res.body.movies[0]).toMatchObject({ title: movieOf(want.movies[0].movieId).title, year: movieOf(want.movies[0].movieId).year });
  });
});
